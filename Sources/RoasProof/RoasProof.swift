// The umbrella module: `import RoasProof` brings in every library module.
@_exported public import CAPIModel
@_exported public import Dedup
@_exported public import Delivery
@_exported public import Identity
@_exported public import Matching
