namespace Kernels.Language;

/// <summary>Block-level synchronisation.</summary>
public static class Block
{
    /// <summary>bar.sync 0: waits until every thread of the block arrives; shared-memory writes before it are visible after it.</summary>
    [Intrinsic(Intrinsic.Barrier)]
    public static void Barrier() => throw OutsideKernel.Error(nameof(Barrier));
}
