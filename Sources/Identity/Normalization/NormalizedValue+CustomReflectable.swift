extension NormalizedValue: CustomReflectable {
    /// Redacted, like ``description``: normalized text is still personal data, so reflection
    /// (`dump`, `Mirror`) shows no payload.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
}
