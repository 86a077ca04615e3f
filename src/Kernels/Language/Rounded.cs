using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Language;

/// <summary>
/// float32 arithmetic rounded once per operation on both accelerators. ILGPU emits a plain <c>mul.f32</c>, which
/// ptxas may contract with a following add or sub into one fma (a single rounding), while .NET rounds the product
/// first; <c>mul.rn.f32</c> is never contracted (PTX ISA, "mul"), so kernels that must reproduce a CPU reference
/// bit for bit (the sampler penalties) multiply through here.
/// </summary>
public static class Rounded
{
    /// <summary>a · b, rounded to nearest even, never fused with a neighbouring add.</summary>
    public static float Multiply(float a, float b)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float product, a, b);
            return product;
        }
        // The exact double product rounded once is a · b rounded once; written so, the CPU body (which ILGPU also
        // compiles into the PTX, as dead code) holds no mul.f32 either, and a PTX check can look for stray ones.
        return (float)((double)a * b);
    }
}
