using Engine.Model;
using Loader.Safetensors;

namespace Engine.Backends.Cpu;

/// <summary>
/// Per layer, keys and values head-major: each KV head owns one contiguous pool of every block's slots for that head
/// ([kv head][block][slot in block][head dim]). Decode attention walks one head through the context, so a sequence
/// whose blocks are consecutive (a fresh cache hands them out in order) reads each head's keys as one run the
/// hardware prefetcher follows across blocks; with blocks interleaved inside ([block][kv head][slot][head dim]) a
/// head's run was one block (4 KiB for 16 keys of 64 floats) and the prefetcher started over at each, and the
/// slot-major layout before that ([slot][kv head][head dim]) put every key of a head on its own page.
/// Elements are float32, or bf16/f16 (<c>--kv-cache-dtype</c>): half the bytes per token, so twice the tokens in the
/// same memory and half the bytes a long-context decode streams; <see cref="WriteSlot"/> rounds to nearest even and
/// attention widens on load (<see cref="IWeightLoader"/>), computing in float32 as before.
/// </summary>
internal sealed class CpuKvCache : IDeviceKvCache
{
    private readonly SafetensorsDtype _safetensorsDType;

    public CpuKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim, DType dtype = DType.F32)
    {
        CheckDType(dtype);
        NumLayers = numLayers;
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        NumKvHeads = numKvHeads;
        HeadDim = headDim;
        DType = dtype;
        ElementSize = WeightTensor.ElementSize(dtype);
        _safetensorsDType = DTypeMapping.ToSafetensors(dtype);
        var perLayer = checked(numBlocks * blockSize * numKvHeads * headDim * ElementSize);
        Keys = new byte[numLayers][];
        Values = new byte[numLayers][];
        for (var l = 0; l < numLayers; l++)
        {
            Keys[l] = new byte[perLayer];
            Values[l] = new byte[perLayer];
        }
    }

    /// <summary>Throws <see cref="NotSupportedException"/> unless the cache can hold <paramref name="dtype"/> elements.</summary>
    public static void CheckDType(DType dtype)
    {
        if (dtype is not (DType.F32 or DType.BF16 or DType.F16))
        {
            throw new NotSupportedException($"The CPU KV cache holds f32, bf16 or f16 elements, not {dtype}.");
        }
    }

    public int NumLayers { get; }

    public int NumBlocks { get; }

    public int BlockSize { get; }

    public int NumKvHeads { get; }

    public int HeadDim { get; }

    public DType DType { get; }

    /// <summary>Bytes per element of <see cref="DType"/>.</summary>
    public int ElementSize { get; }

    public int SlotWidth => NumKvHeads * HeadDim;

    /// <summary>Elements from one block's rows of a head to the next block's (BlockSize · HeadDim).</summary>
    public int BlockStride => BlockSize * HeadDim;

    /// <summary>Where a KV head's pool starts in a layer, in elements: slot j of block b of that head is at element
    /// HeadOffset(h) + b · <see cref="BlockStride"/> + j · HeadDim.</summary>
    public int HeadOffset(int kvHead) => kvHead * NumBlocks * BlockStride;

    /// <summary>Writes one slot's key and value rows (NumKvHeads · HeadDim floats each, head after head), rounded to
    /// the cache's dtype.</summary>
    public void WriteSlot(int layer, int slot, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        var start = ((slot / BlockSize) * BlockStride) + ((slot % BlockSize) * HeadDim);
        for (var h = 0; h < NumKvHeads; h++)
        {
            var at = (start + HeadOffset(h)) * ElementSize;
            Store(key.Slice(h * HeadDim, HeadDim), Keys[layer].AsSpan(at, HeadDim * ElementSize));
            Store(value.Slice(h * HeadDim, HeadDim), Values[layer].AsSpan(at, HeadDim * ElementSize));
        }
    }

    // the loader's one float32 → dtype conversion (round to nearest even for bf16, TensorPrimitives for f16)
    private void Store(ReadOnlySpan<float> source, Span<byte> destination) =>
        DtypeConversion.FromFloat32(source, _safetensorsDType, destination);

    /// <summary>Each layer's keys: <see cref="DType"/> elements in the layout above.</summary>
    public byte[][] Keys { get; }

    public byte[][] Values { get; }

    /// <summary>Copies every head's rows of block <paramref name="source"/> over <paramref name="destination"/>'s.</summary>
    public void CopyBlock(int source, int destination)
    {
        var width = BlockStride * ElementSize;
        for (var l = 0; l < NumLayers; l++)
        {
            for (var h = 0; h < NumKvHeads; h++)
            {
                var head = HeadOffset(h) * ElementSize;
                Keys[l].AsSpan(head + (source * width), width).CopyTo(Keys[l].AsSpan(head + (destination * width), width));
                Values[l].AsSpan(head + (source * width), width).CopyTo(Values[l].AsSpan(head + (destination * width), width));
            }
        }
    }
}
