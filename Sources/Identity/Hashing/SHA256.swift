public import CAPIModel
internal import CLibcrypto

/// SHA-256 through libcrypto's low-level context API.
///
/// OpenSSL 3's one-shot `SHA256()` and EVP functions allocate a context and look up a
/// provider on every call, which costs 5x the hash itself for short inputs. The
/// `SHA256_Init/Update/Final` path keeps the context on the stack and uses the CPU's
/// SHA extensions directly.
public enum SHA256 {
    /// Hashes raw bytes.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        _hash(bytes)
    }

    /// Hashes the UTF-8 encoding of `text`.
    public static func hash(_ text: String) -> SHA256Digest {
        var copy = text
        return copy.withUTF8 { _hash(UnsafeRawBufferPointer($0)) }
    }

    /// Hashes a byte array.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { _hash($0) }
    }

    @usableFromInline
    static func _hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        if bytes.count <= 119 {
            var context = initialContext
            return hashShort(bytes, context: &context)
        }
        var context = SHA256_CTX()
        SHA256_Init(&context)
        if let base = bytes.baseAddress {
            SHA256_Update(&context, base, bytes.count)
        }
        // 32 bytes of output on the stack, read back as four big-endian words.
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &out) { raw in
            SHA256_Final(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
            return SHA256Digest(bytes: UnsafeRawBufferPointer(raw))
        }
    }

    /// A context as `SHA256_Init` leaves it (the initial hash value of FIPS 180-4, 5.3.3),
    /// copied instead of calling it: only the block function reads it on the short paths.
    private static var initialContext: SHA256_CTX {
        var context = SHA256_CTX()
        context.h = (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
        context.md_len = 32
        return context
    }

    /// Inputs up to 119 bytes fit in one or two 64-byte blocks once padded. Padding them here
    /// and calling the block function directly skips `SHA256_Update`'s buffering and
    /// `SHA256_Final`'s context wiping, which cost as much as the compression itself for
    /// identifier-sized input.
    private static func hashShort(_ bytes: UnsafeRawBufferPointer, context: inout SHA256_CTX) -> SHA256Digest {
        let count = bytes.count
        let blocks = count <= 55 ? 1 : 2
        var padded: (SIMD64<UInt8>, SIMD64<UInt8>) = (.zero, .zero)
        withUnsafeMutableBytes(of: &padded) { block in
            if count > 0 { block.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: count) }
            block[count] = 0x80
            let bitLength = UInt64(count) &* 8
            block.storeBytes(of: bitLength.bigEndian, toByteOffset: blocks &* 64 &- 8, as: UInt64.self)
            let base = block.baseAddress!.assumingMemoryBound(to: UInt8.self)
            SHA256_Transform(&context, base)
            if blocks == 2 { SHA256_Transform(&context, base + 64) }
        }
        let h = context.h
        return SHA256Digest(
            words: (
                UInt64(h.0) << 32 | UInt64(h.1), UInt64(h.2) << 32 | UInt64(h.3),
                UInt64(h.4) << 32 | UInt64(h.5), UInt64(h.6) << 32 | UInt64(h.7)
            ))
    }

    /// Hashes the first `count` bytes of `buffer`, using the rest of it as scratch space.
    ///
    /// When the message and its padding fit in `buffer` (up to 119 bytes in a buffer of at
    /// least 128), the padding is written right after the message and the blocks are hashed
    /// where they are: the normalizers' output is hashed without being copied. Otherwise
    /// this is ``hash(_:)-(UnsafeRawBufferPointer)``.
    ///
    /// - Parameter zeroedFrom: the caller guarantees that the bytes from this offset up to
    ///   offset 128 are zero (pass 128 when it knows nothing), so only the bytes between the
    ///   message and this offset need clearing here.
    ///   Clearing the block before the message is written leaves fewer stores in flight
    ///   when the block function reads it.
    package static func hash(
        paddingInPlace buffer: UnsafeMutableRawBufferPointer, count: Int, zeroedFrom: Int
    )
        -> SHA256Digest
    {
        guard count <= 119, buffer.count >= 128, let base = buffer.baseAddress else {
            return _hash(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        let blocks = count <= 55 ? 1 : 2
        let end = blocks &* 64
        let zeroStart = count &+ 1
        let lengthOffset = end &- 8
        base.storeBytes(of: 0x80 as UInt8, toByteOffset: count, as: UInt8.self)
        let zeroEnd = min(max(zeroedFrom, zeroStart), lengthOffset)
        if zeroEnd > zeroStart {
            (base + zeroStart).initializeMemory(as: UInt8.self, repeating: 0, count: zeroEnd &- zeroStart)
        }
        let bitLength = UInt64(count) &* 8
        base.storeBytes(of: bitLength.bigEndian, toByteOffset: lengthOffset, as: UInt64.self)
        var context = initialContext
        let block = base.assumingMemoryBound(to: UInt8.self)
        SHA256_Transform(&context, block)
        if blocks == 2 { SHA256_Transform(&context, block + 64) }
        let h = context.h
        return SHA256Digest(
            words: (
                UInt64(h.0) << 32 | UInt64(h.1), UInt64(h.2) << 32 | UInt64(h.3),
                UInt64(h.4) << 32 | UInt64(h.5), UInt64(h.6) << 32 | UInt64(h.7)
            ))
    }

    /// The same digest through `SHA256_Update`/`SHA256_Final` only, for tests of the short path.
    package static func hashWithoutShortPath(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        if let base = bytes.baseAddress, bytes.count > 0 {
            SHA256_Update(&context, base, bytes.count)
        }
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &out) { raw in
            SHA256_Final(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
            return SHA256Digest(bytes: UnsafeRawBufferPointer(raw))
        }
    }
}

/// HMAC-SHA256 through libcrypto.
public enum HMACSHA256 {
    /// The 32-byte HMAC-SHA256 of `message` under `key`.
    public static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> SHA256Digest {
        let keyBytes = Array(key)
        let messageBytes = Array(message)
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return keyBytes.withUnsafeBytes { k in
            messageBytes.withUnsafeBytes { m in
                withUnsafeMutableBytes(of: &out) { raw in
                    var length: UInt32 = 32
                    let result = HMAC(
                        EVP_sha256(), k.baseAddress, Int32(k.count),
                        m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count,
                        raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
                    // HMAC only fails on allocation failure or an unknown digest; neither can
                    // happen with EVP_sha256() and a stack output buffer.
                    precondition(result != nil && length == 32, "libcrypto HMAC-SHA256 failed")
                    return SHA256Digest(bytes: UnsafeRawBufferPointer(raw))
                }
            }
        }
    }
}

/// The Graph API `appsecret_proof`: lowercase hex HMAC-SHA256 of the access token, keyed
/// with the app secret.
///
/// Send it with every request once an app secret is configured; it proves the caller
/// knows the secret without sending it. Neither input appears in the description.
public struct AppSecretProof: Hashable, Sendable, CustomStringConvertible {
    /// The 64-character lowercase hex proof.
    public let hexString: String

    /// Computes the proof for `accessToken` under `appSecret` (both as UTF-8).
    public init(accessToken: String, appSecret: String) {
        self.hexString =
            HMACSHA256.authenticationCode(
                for: Array(accessToken.utf8), key: Array(appSecret.utf8)
            ).hexString
    }

    /// The proof itself, which is safe to print: it cannot be turned back into the token or secret.
    public var description: String { hexString }
}
