import RegistryCore

print("ledger walkthrough: registry \(RegistryCode.cdm)")
