namespace Engine.Backends.Cpu;

/// <summary>Per layer, keys and values as float32 (NumBlocks · BlockSize slots, NumKvHeads · HeadDim each).</summary>
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

    public float[][] Keys { get; }

    public float[][] Values { get; }

    public void CopyBlock(int source, int destination)
    {
        var width = BlockSize * SlotWidth;
        for (var l = 0; l < NumLayers; l++)
        {
            Keys[l].AsSpan(source * width, width).CopyTo(Keys[l].AsSpan(destination * width, width));
            Values[l].AsSpan(source * width, width).CopyTo(Values[l].AsSpan(destination * width, width));
        }
    }
}
