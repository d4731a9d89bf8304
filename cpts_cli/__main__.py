from cpts_cli.cli.app import main

main()
