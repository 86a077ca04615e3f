using Engine.Model;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// The paged KV cache in device memory: one buffer for the keys of every layer and one for the values,
/// layer-major ((layers, blocks, block_size, n_kv_heads · head_dim)), as float32 or as bf16/f16 patterns. One
/// buffer per side lets <see cref="CopyBlock"/> copy a block of every layer in one launch.
/// </summary>
internal sealed class CudaKvCache : IDeviceKvCache, IDisposable
{
    private readonly KernelContext _context;
    private readonly AcceleratorStream _stream;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _keysF32, _valuesF32;
    private readonly MemoryBuffer1D<ushort, Stride1D.Dense>? _keys16, _values16;

    public CudaKvCache(KernelContext context, AcceleratorStream stream, DType dtype, int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim)
    {
        _context = context;
        _stream = stream;
        DType = dtype;
        NumLayers = numLayers;
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        NumKvHeads = numKvHeads;
        HeadDim = headDim;
        LayerElements = checked((long)numBlocks * blockSize * numKvHeads * headDim);
        var total = Math.Max(1, checked(LayerElements * numLayers));
        if (dtype == DType.F32)
        {
            _keysF32 = context.Accelerator.Allocate1D<float>(total);
            _valuesF32 = context.Accelerator.Allocate1D<float>(total);
            _keysF32.MemSetToZero();
            _valuesF32.MemSetToZero();
        }
        else
        {
            _keys16 = context.Accelerator.Allocate1D<ushort>(total);
            _values16 = context.Accelerator.Allocate1D<ushort>(total);
            _keys16.MemSetToZero();
            _values16.MemSetToZero();
        }
    }

    public DType DType { get; }

    public int NumLayers { get; }

    public int NumBlocks { get; }

    public int BlockSize { get; }

    public int NumKvHeads { get; }

    public int HeadDim { get; }

    public int SlotWidth => NumKvHeads * HeadDim;

    /// <summary>Elements of one layer's keys (or values).</summary>
    public long LayerElements { get; }

    public ArrayView<float> KeysF32(int layer) => Layer(_keysF32!, layer);

    public ArrayView<float> ValuesF32(int layer) => Layer(_valuesF32!, layer);

    public ArrayView<ushort> Keys16(int layer) => Layer(_keys16!, layer);

    public ArrayView<ushort> Values16(int layer) => Layer(_values16!, layer);

    private ArrayView<T> Layer<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, int layer)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)layer, (uint)NumLayers, nameof(layer));
        return buffer.View.SubView(layer * LayerElements, LayerElements);
    }

    public void CopyBlock(int source, int destination)
    {
        var blockElements = BlockSize * SlotWidth;
        if (DType == DType.F32)
        {
            Cuda.CopyBlock.Launch(_context, _stream, (ArrayView<float>)_keysF32!.View, _valuesF32!.View, NumLayers, NumBlocks, blockElements, source, destination);
        }
        else
        {
            Cuda.CopyBlock.Launch(_context, _stream, (ArrayView<ushort>)_keys16!.View, _values16!.View, NumLayers, NumBlocks, blockElements, source, destination);
        }
    }

    public void Dispose()
    {
        _keysF32?.Dispose();
        _valuesF32?.Dispose();
        _keys16?.Dispose();
        _values16?.Dispose();
    }
}
