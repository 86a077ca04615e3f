namespace Engine.Backends;

/// <summary>
/// The paged KV cache of every layer on a backend: per layer, keys and values of shape
/// (NumBlocks, BlockSize, NumKvHeads, HeadDim); a token's slot is block · BlockSize + offset.
/// </summary>
public interface IDeviceKvCache
{
    int NumLayers { get; }

    int NumBlocks { get; }

    int BlockSize { get; }

    /// <summary>Copies the keys and values of every layer from block <paramref name="source"/> to block <paramref name="destination"/> (copy-on-write of a forked sequence).</summary>
    void CopyBlock(int source, int destination);
}
