using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Engine.KvCache;

/// <summary>
/// The identity of a full KV block's contents for prefix caching (vLLM v1's BlockHash): a 128-bit prefix of
/// SHA-256(parent hash ‖ extra keys ‖ the block's token ids). Chaining through the parent makes a block's hash name
/// its whole prefix, since a key or value at position p depends on every token before it; 128 bits keep accidental
/// collisions (which would silently reuse wrong keys and values) out of reach.
/// </summary>
public readonly record struct BlockHash(UInt128 Value)
{
    /// <summary>The parent of a sequence's first block.</summary>
    public static BlockHash None => default;

    /// <summary>Hash of the block holding <paramref name="tokens"/> (exactly one block) after the block hashed <paramref name="parent"/>.</summary>
    public static BlockHash Compute(BlockHash parent, ReadOnlySpan<int> tokens, BlockHashExtra extra)
    {
        // 16 bytes parent, 4 LoRA id, 4 multiplier bits, 4 per token; little-endian so the hash is machine independent
        var length = 24 + tokens.Length * sizeof(int);
        byte[]? rented = null;
        var bytes = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)parent.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], (ulong)(parent.Value >> 64));
        BinaryPrimitives.WriteInt32LittleEndian(bytes[16..], extra.LoraId);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[20..], extra.LoraMultiplier);
        for (var i = 0; i < tokens.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes[(24 + 4 * i)..], tokens[i]);
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        return new BlockHash(new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]), BinaryPrimitives.ReadUInt64LittleEndian(digest)));
    }
}
