using Xunit;

namespace Kernels.Tests.Cuda;

/// <summary>
/// Puts the GPU test classes in one collection so they run one at a time on one shared context: memory
/// figures and timings are not disturbed by a neighbouring class, and the device is opened once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CudaCollection : ICollectionFixture<CudaContextFixture>
{
    public const string Name = "Cuda device";
}
