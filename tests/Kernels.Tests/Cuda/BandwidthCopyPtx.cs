using Tests.Common;

namespace Kernels.Tests.Cuda;

/// <summary>The bandwidth benchmark's copy kernel, read from bench/Kernels so the tests check the very text the bench loads.</summary>
internal static class BandwidthCopyPtx
{
    public const string Entry = "copy_v4";

    public static string Text { get; } =
        File.ReadAllText(Path.Combine(SharedFiles.RepoRoot, "bench", "Kernels", "BandwidthCopy.ptx"));
}
