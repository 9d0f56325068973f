extension CustomerRecord: CustomReflectable {
    /// Redacted, like ``description``: reflection (`dump`, `Mirror`, reflection-based
    /// loggers and error reporters) sees no fields, so raw customer data cannot leak through it.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
