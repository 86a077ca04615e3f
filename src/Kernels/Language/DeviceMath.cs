namespace Kernels.Language;

/// <summary>
/// Device math. The accurate forms match <see cref="MathF"/> to a few ulp on the device; the *Approx forms
/// are the single PTX approximate instructions (ex2.approx.ftz, lg2.approx.ftz, rsqrt.approx.ftz,
/// tanh.approx), about 2 ulp over the normal range with denormals flushed to zero.
/// </summary>
public static class DeviceMath
{
    [Intrinsic(Intrinsic.Exp)] public static float Exp(float x) => MathF.Exp(x);
    [Intrinsic(Intrinsic.Exp2)] public static float Exp2(float x) => MathF.Pow(2f, x);
    [Intrinsic(Intrinsic.Log)] public static float Log(float x) => MathF.Log(x);
    [Intrinsic(Intrinsic.Log2)] public static float Log2(float x) => MathF.Log2(x);
    [Intrinsic(Intrinsic.Sqrt)] public static float Sqrt(float x) => MathF.Sqrt(x);
    [Intrinsic(Intrinsic.Rsqrt)] public static float Rsqrt(float x) => 1f / MathF.Sqrt(x);
    [Intrinsic(Intrinsic.Tanh)] public static float Tanh(float x) => MathF.Tanh(x);
    [Intrinsic(Intrinsic.Fma)] public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    [Intrinsic(Intrinsic.Min)] public static float Min(float a, float b) => MathF.Min(a, b);
    [Intrinsic(Intrinsic.Max)] public static float Max(float a, float b) => MathF.Max(a, b);
    [Intrinsic(Intrinsic.Abs)] public static float Abs(float x) => MathF.Abs(x);
    [Intrinsic(Intrinsic.Exp2Approx)] public static float Exp2Approx(float x) => MathF.Pow(2f, x);
    [Intrinsic(Intrinsic.Log2Approx)] public static float Log2Approx(float x) => MathF.Log2(x);
    [Intrinsic(Intrinsic.RsqrtApprox)] public static float RsqrtApprox(float x) => 1f / MathF.Sqrt(x);
    [Intrinsic(Intrinsic.TanhApprox)] public static float TanhApprox(float x) => MathF.Tanh(x);

    /// <summary>The IEEE-754 bits of <paramref name="x"/> (no conversion).</summary>
    [Intrinsic(Intrinsic.FloatBits)] public static uint FloatBits(float x) => BitConverter.SingleToUInt32Bits(x);

    [Intrinsic(Intrinsic.BitsToFloat)] public static float BitsToFloat(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    /// <summary>The number of set bits (popc.b32).</summary>
    [Intrinsic(Intrinsic.PopCount)] public static int PopCount(uint x) => System.Numerics.BitOperations.PopCount(x);
}
