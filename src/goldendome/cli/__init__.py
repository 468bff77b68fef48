"""The goldendome command line (typer + rich): :mod:`.main` is the entry point, :mod:`.app` registers the verbs, one
group to a module. Imported by nobody."""
