using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace Kernels.SelfTest;

/// <summary>The device math kernels use (ILGPU.Algorithms' XMath), each on one input, written to 12 outputs per element.</summary>
public static class MathFunctions
{
    public const int Outputs = 12;

    public static readonly Action<ArrayView<float>, ArrayView<float>> Entry = Kernel;

    public static void Kernel(ArrayView<float> x, ArrayView<float> y)
    {
        var i = Grid.GlobalIndex.X;
        if (i >= x.IntLength)
        {
            return;
        }
        var v = x[i];
        var p = XMath.Abs(v) + 0.5f;
        var o = i * Outputs;
        y[o] = XMath.Exp(v);
        y[o + 1] = XMath.Exp2(v);
        y[o + 2] = XMath.Log(p);
        y[o + 3] = XMath.Log2(p);
        y[o + 4] = XMath.Sqrt(p);
        y[o + 5] = XMath.Rsqrt(p);
        y[o + 6] = XMath.Tanh(v);
        y[o + 7] = XMath.Min(v, 0.1f);
        y[o + 8] = XMath.Max(v, 0.1f);
        y[o + 9] = XMath.Abs(v);
        y[o + 10] = XMath.Pow(p, 1.5f);
        y[o + 11] = XMath.Exp(v) / (1f + XMath.Sqrt(p));
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        var x = Expect.RandomFloats(n, 15, -8f, 8f);
        using var dx = Expect.Upload(context, x);
        using var dy = Expect.Zeros<float>(context, n * Outputs);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(Expect.CeilDiv(n, 64), 64), dx.View, dy.View);
        stream.Synchronize();
        var y = Expect.Download(dy);
        for (var i = 0; i < n; i++)
        {
            var v = x[i];
            var p = MathF.Abs(v) + 0.5f;
            float[] expected =
            [
                MathF.Exp(v), MathF.Pow(2f, v), MathF.Log(p), MathF.Log2(p), MathF.Sqrt(p), 1f / MathF.Sqrt(p), MathF.Tanh(v),
                MathF.Min(v, 0.1f), MathF.Max(v, 0.1f), MathF.Abs(v), MathF.Pow(p, 1.5f), MathF.Exp(v) / (1f + MathF.Sqrt(p)),
            ];
            // XMath maps to the device's approximate instructions on CUDA (ex2/lg2/rsqrt.approx: about 2 ulp,
            // scaled by |x·log2 e| ≤ 12 for exp) and its own software forms on the CPU: 1e-5 relative binds both.
            Expect.Close(expected, y.AsSpan(i * Outputs, Outputs), 1e-6f, 1e-5f, $"math of x[{i}] = {v}");
        }
    }
}
