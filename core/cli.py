"""Command line: modules, demo data, jobs worker. Errors print one line and exit non-zero."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import AppGroup


def register(app) -> None:
    modules = AppGroup("modules", help="List, install and uninstall modules.")

    @modules.command("list")
    def list_modules():
        from core.modules import status

        for row in status():
            mark = "installed" if row["installed"] else "available"
            deps = f" (depends: {', '.join(row['depends'])})" if row["depends"] else ""
            click.echo(f"{row['name']:<14} {row['version']:<8} {mark:<10} {row['summary']}{deps}")

    @modules.command("install")
    @click.argument("names", nargs=-1)
    @click.option("--all", "all_", is_flag=True, help="Install every loaded module.")
    @click.option("--demo", is_flag=True, help="Also load demo data.")
    def install_cmd(names, all_, demo):
        from core.modules import ModuleError, install
        from core.plugins import registry

        targets = list(registry().manifests) if all_ else list(names)
        try:
            from core.migration_tools import upgrade

            upgrade("core@head")
            for name in targets:
                for done in install(name):
                    click.echo(f"installed {done}")
            if demo:
                from core.demo import load_demo

                for line in load_demo():
                    click.echo(line)
        except ModuleError as error:
            raise click.ClickException(str(error)) from None

    @modules.command("uninstall")
    @click.argument("name")
    @click.option("--drop", is_flag=True, help="Also drop the module's tables and data.")
    def uninstall_cmd(name, drop):
        from core.modules import ModuleError, uninstall

        try:
            uninstall(name, drop=drop)
        except ModuleError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"uninstalled {name}{' and dropped its data' if drop else ''}")

    @modules.command("revision")
    @click.argument("name")
    @click.option("-m", "--message", required=True)
    def revision_cmd(name, message):
        """Autogenerate the next migration of module NAME on its own branch."""
        from core.migration_tools import autogenerate

        click.echo(autogenerate(name, message))

    app.cli.add_command(modules)

    demo = AppGroup("demo", help="Demo data.")

    @demo.command("load")
    def demo_load():
        from core.demo import load_demo

        for line in load_demo():
            click.echo(line)

    app.cli.add_command(demo)

    jobs = AppGroup("jobs", help="Background jobs.")

    @jobs.command("worker")
    @click.option("--burst", is_flag=True, help="Run what is queued, then stop.")
    def worker(burst):
        """An RQ worker (with its scheduler) plus the outbox relay and the minute ticks."""
        from rq import Worker

        from core.jobs import QUEUE, dispatch, redis_connection, run_periodically

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: jobs run inside the web process")
        app_obj = current_app._get_current_object()
        stop = threading.Event()
        if burst:
            dispatch()
        else:
            threading.Thread(target=run_periodically, args=(app_obj, stop), daemon=True).start()
        try:
            Worker([QUEUE], connection=redis_connection()).work(with_scheduler=True, burst=burst)
        finally:
            stop.set()

    @jobs.command("run-due")
    def run_due():
        """Tick and run due jobs once (cron-friendly, and for the embedded mode)."""
        from core.jobs import dispatch, recover_stale, tick

        recover_stale()
        tick()
        dispatch()

    app.cli.add_command(jobs)
