/// The version of the store layout this build writes; a store written by a newer build is refused.
public enum StoreSchemaVersion {
    public static let current = 6
}
