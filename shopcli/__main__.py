from shopcli.cli.app import main

main()
