"""Incubation: tracks for new project holders, hosted at established ressourceries."""
