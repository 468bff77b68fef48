"""The goldendome command line (typer + rich). Imported by nobody."""
