using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>The self-test kernels against their plain C# references, on every accelerator, over sizes that hit the tails.</summary>
[Collection(AcceleratorCollection.Name)]
public sealed class KernelSuiteTests
{
    public static TheoryData<string> Accelerators => Backends.Names;

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void VectorAdd_AddsEveryElement_ForEverySizeUpTo130(string backend)
    {
        // Every tail of a 64-thread group, twice over, and one full grid beyond.
        for (var n = 1; n <= 130; n++)
        {
            VectorAdd.Check(Backends.Get(backend), n);
        }
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void BlockReduce_SumsEachGroupInTreeOrder_ForPartialLastGroup(string backend)
    {
        var context = Backends.Get(backend);
        foreach (var n in new[] { 1, 64, 100, 300 })
        {
            BlockReduce.Check<Size64>(context, n);
        }
        BlockReduce.Check<Size256>(context, 600);
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void WarpCollectives_MatchLaneByLaneReference_ForPartialWarps(string backend)
    {
        foreach (var n in new[] { 1, 17, 32, 70 })
        {
            WarpReduce.Check(Backends.Get(backend), n);
        }
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void Histogram_CountsEveryByte_WithSharedAndGlobalAtomics(string backend)
    {
        foreach (var n in new[] { 1, 5, 191, 1000 })
        {
            Histogram.Check(Backends.Get(backend), n);
        }
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void Atomics_GiveMaxMinSumAndOneCasWinner(string backend)
    {
        foreach (var n in new[] { 1, 77 })
        {
            Atomics.Check(Backends.Get(backend), n);
        }
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void TiledMatmul_MatchesReference_ForShapesNotMultiplesOfTheTile(string backend)
    {
        var context = Backends.Get(backend);
        TiledMatmul.Check<Size8>(context, 13, 9, 17);
        TiledMatmul.Check<Size16>(context, 16, 20, 5);
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void Conversions_RoundToNearestEvenAndBack_IncludingSpecials(string backend)
    {
        Conversions.Check(Backends.Get(backend), 13);
        Conversions.Check(Backends.Get(backend), 150);
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void VectorLoadsAndAsyncCopy_MoveWholeGroupsAndTail(string backend)
    {
        foreach (var n in new[] { 3, 4, 130 })
        {
            VectorLoads.Check(Backends.Get(backend), n);
        }
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void GridStrideCopy_CoversEveryWord_WithAGridSmallerThanTheLength(string backend)
    {
        GridStrideCopy.Check(Backends.Get(backend), 4, 1);
        GridStrideCopy.Check(Backends.Get(backend), 4 * 1000, 3);
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void LoadMatrix_GivesThePtxFragmentLayout_ForEveryShape(string backend) => LoadMatrix.Check(Backends.Get(backend));

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void MmaTile_MatchesMatrixProduct_ForBf16AndF16(string backend)
    {
        MmaTile.Check(Backends.Get(backend), bf16: true);
        MmaTile.Check(Backends.Get(backend), bf16: false);
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void RadixSelect_FindsKthLargest_WithTiesAndNegatives(string backend)
    {
        var context = Backends.Get(backend);
        RadixSelect.Check(context, 1, 1);
        RadixSelect.Check(context, 300, 1);
        RadixSelect.Check(context, 300, 37);
        RadixSelect.Check(context, 1000, 1000);
    }

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void MathFunctions_MatchMathF(string backend) => MathFunctions.Check(Backends.Get(backend), 70);

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void Specialisation_GenericKernelsOperatorStructsAndStructMethods(string backend)
    {
        Specialisation.Check(Backends.Get(backend), 3);
        Specialisation.Check(Backends.Get(backend), 101);
    }

    [CudaFact]
    public void SelfTest_PassesEveryCase_OnCuda()
    {
        var results = KernelSelfTest.Run(Backends.Get("cuda"));
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Message}"));
    }
}
