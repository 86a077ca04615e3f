using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// Copy-on-write of a forked sequence's last block: block <c>destination</c> of every layer's keys and values
/// becomes a copy of block <c>source</c>. The cache keeps all layers in one buffer each for K and V, layer-major
/// ((layers, blocks, block_size, kv_dim)), so one launch covers every layer: one thread per (layer, element) of a
/// block, K and V together.
/// </summary>
public static class CopyBlock
{
    /// <param name="BlockElements">block_size · kv_dim.</param>
    /// <param name="LayerElements">blocks · BlockElements: one layer's stride.</param>
    /// <param name="Count">layers · BlockElements: the threads that do work.</param>
    public readonly record struct Shape(int Source, int Destination, int BlockElements, long LayerElements, int Count);

    public static void Kernel<T>(ArrayView<T> keys, ArrayView<T> values, Shape shape)
        where T : unmanaged
    {
        var i = Grid.GlobalIndex.X;
        if (i >= shape.Count)
        {
            return;
        }
        var layer = i / shape.BlockElements;
        var e = i - (layer * shape.BlockElements);
        var layerStart = layer * shape.LayerElements;
        var from = layerStart + ((long)shape.Source * shape.BlockElements) + e;
        var to = layerStart + ((long)shape.Destination * shape.BlockElements) + e;
        keys[to] = keys[from];
        values[to] = values[from];
    }

    public static void Launch<T>(KernelContext context, AcceleratorStream stream, ArrayView<T> keys, ArrayView<T> values,
        int numLayers, int numBlocks, int blockElements, int source, int destination)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        var layerElements = (long)numBlocks * blockElements;
        if (numLayers <= 0 || blockElements <= 0 || keys.Length < numLayers * layerElements || values.Length < numLayers * layerElements
            || (long)numLayers * blockElements > int.MaxValue)
        {
            throw new ArgumentException(
                $"{nameof(CopyBlock)}: {numLayers} layers of {numBlocks} blocks of {blockElements} need {numLayers * layerElements} elements of K and V; got {keys.Length}, {values.Length}.");
        }
        if ((uint)source >= (uint)numBlocks || (uint)destination >= (uint)numBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(source), $"{nameof(CopyBlock)}: block {source} → {destination}, but the cache has blocks 0..{numBlocks - 1}.");
        }
        if (source == destination)
        {
            return;
        }
        var count = numLayers * blockElements;
        context.Load(Entries<T>.Entry)(stream, RowShapes.OneThreadPerElement(count), keys, values,
            new Shape(source, destination, blockElements, layerElements, count));
    }

    // one delegate per instantiation, made once
    private static class Entries<T>
        where T : unmanaged
    {
        public static readonly Action<ArrayView<T>, ArrayView<T>, Shape> Entry = Kernel<T>;
    }
}
