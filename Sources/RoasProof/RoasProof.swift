// The umbrella module: `import RoasProof` brings in every library module a backend needs,
// including the SQLite store and the AsyncHTTPClient transport. Test support (FakeGraphAPI,
// DeliveryTesting) is imported on its own.
@_exported public import CAPIModel
@_exported public import DatasetQuality
@_exported public import Dedup
@_exported public import Delivery
@_exported public import DeliveryHTTP
@_exported public import DeliverySQLite
@_exported public import Identity
@_exported public import Matching
