extension TensorVariable {
    /// This variable adjusted to `type` when only the dtype or broadcast flags differ in a safe way.
    package func fitted(to type: TensorType) -> TensorVariable? {
        guard ndim == type.ndim else { return nil }
        var v = self
        if v.dtype != type.dtype { v = cast(v, type.dtype) }
        // Rebroadcast checks at run time that newly flagged dimensions have size 1.
        if v.broadcastable != type.broadcastable { v = Rebroadcast(pattern: type.broadcastable)(v) }
        return v.type == type ? v : nil
    }
}
