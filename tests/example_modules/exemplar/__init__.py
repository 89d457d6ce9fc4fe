"""A tiny module exercising every extension point in the one shape every module has
(docs/MODULES.md), so the contract is tested without the business modules. Its package name is
its folder name (it lives outside modules/)."""
