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
}
