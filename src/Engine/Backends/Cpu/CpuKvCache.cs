namespace Engine.Backends.Cpu;

/// <summary>
/// Per layer, keys and values as float32 in head-major blocks: block b holds, for each KV head, its BlockSize slots
/// of HeadDim floats one after another ([block][kv head][slot in block][head dim]). Decode attention walks one
/// head through the context, so a block's keys for that head are one contiguous run (BlockSize · HeadDim · 4 bytes)
/// the hardware prefetcher can follow; the slot-major layout ([slot][kv head][head dim]) put every key of a head on
/// its own page, 3 KiB apart for 12 heads of 64, and attention read the cache at half the GEMVs' bandwidth.
/// A whole block is still one contiguous range, so copying blocks is unchanged.
/// </summary>
internal sealed class CpuKvCache : IDeviceKvCache
{
    public CpuKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim)
    {
        NumLayers = numLayers;
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        NumKvHeads = numKvHeads;
        HeadDim = headDim;
        var perLayer = checked(numBlocks * blockSize * numKvHeads * headDim);
        Keys = new float[numLayers][];
        Values = new float[numLayers][];
        for (var l = 0; l < numLayers; l++)
        {
            Keys[l] = new float[perLayer];
            Values[l] = new float[perLayer];
        }
    }

    public int NumLayers { get; }

    public int NumBlocks { get; }

    public int BlockSize { get; }

    public int NumKvHeads { get; }

    public int HeadDim { get; }

    public int SlotWidth => NumKvHeads * HeadDim;

    /// <summary>Floats per block of one layer (every head's slots).</summary>
    public int BlockStride => BlockSize * SlotWidth;

    /// <summary>Where a KV head's rows start inside a block.</summary>
    public static int HeadOffset(int kvHead, int blockSize, int headDim) => kvHead * blockSize * headDim;

    /// <summary>Writes one slot's key and value rows (NumKvHeads · HeadDim each, head after head).</summary>
    public void WriteSlot(int layer, int slot, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        var start = ((slot / BlockSize) * BlockStride) + ((slot % BlockSize) * HeadDim);
        for (var h = 0; h < NumKvHeads; h++)
        {
            var at = start + HeadOffset(h, BlockSize, HeadDim);
            key.Slice(h * HeadDim, HeadDim).CopyTo(Keys[layer].AsSpan(at, HeadDim));
            value.Slice(h * HeadDim, HeadDim).CopyTo(Values[layer].AsSpan(at, HeadDim));
        }
    }

    public float[][] Keys { get; }

    public float[][] Values { get; }

    public void CopyBlock(int source, int destination)
    {
        var width = BlockStride;
        for (var l = 0; l < NumLayers; l++)
        {
            Keys[l].AsSpan(source * width, width).CopyTo(Keys[l].AsSpan(destination * width, width));
            Values[l].AsSpan(source * width, width).CopyTo(Values[l].AsSpan(destination * width, width));
        }
    }
}
