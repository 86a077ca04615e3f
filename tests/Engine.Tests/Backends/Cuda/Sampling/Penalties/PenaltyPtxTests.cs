using Engine.Backends.Cuda.Sampling.Penalties;
using Kernels.Ptx;

namespace Engine.Tests.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// What the CPU accelerator cannot show: on CUDA, ptxas contracts a plain <c>mul.f32</c> followed by an add or sub
/// into one fma (a single rounding), which would make PENALTIES differ from the CPU chain in the last bit. The
/// kernel's PTX must multiply only with <c>mul.rn.f32</c> (never contracted).
/// </summary>
public sealed class PenaltyPtxTests
{
    [Theory]
    [InlineData("sm_80")]
    [InlineData("sm_90")]
    public void RepetitionPenaltyKernel_UsesOnlyUncontractibleMultiplies(string architecture)
    {
        var method = KernelCatalog.Method(typeof(RepetitionPenaltyKernel), nameof(RepetitionPenaltyKernel.Kernel));
        var ptx = PtxCompiler.Compile(method, PtxTarget.Parse(architecture)!);

        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(ptx, @"\bmul\.rn\.f32\b"));
        Assert.DoesNotMatch(@"\bmul\.f32\b", ptx);
        Assert.DoesNotMatch(@"\bfma\.[a-z]+\.f32\b", ptx);
    }
}
