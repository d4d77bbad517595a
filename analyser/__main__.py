"""`python -m analyser` runs the command line."""
from analyser.cli import main

main()
