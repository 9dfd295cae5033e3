import Testing
@testable import RegistryEngine
