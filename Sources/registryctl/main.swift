print("registryctl: being built")
