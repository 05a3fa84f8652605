import FrontierCLI

FrontierMain.prepareProcess()
await FrontierMain.main()
