from copbot.cli import main

main()
