import FrontierCLI

await FrontierMain.main()
