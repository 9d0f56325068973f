public import CAPIModel

/// `CAPIModel.Timestamp`, the one time type of the public API, which lived in `Delivery`
/// before event times used it too: code that imports only `Delivery` keeps naming it here.
public typealias Timestamp = CAPIModel.Timestamp
