using System.Numerics;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// The C# features kernels lean on: a generic kernel over <see cref="INumber{T}"/> specialised per element
/// type, an operator struct with a static abstract method (TensorPrimitives' pattern), an unroll factor as
/// a specialisation constant, and a small struct with a mutating method (an online max/sum, as in softmax).
/// </summary>
public static class Specialisation
{
    /// <summary>y[i] = alpha · x[i] + y[i] for any numeric T.</summary>
    [Kernel]
    public static void Axpy<T>(ArrayView<T> x, ArrayView<T> y, T alpha)
        where T : unmanaged, INumber<T>
    {
        var i = Grid.GlobalIndexX;
        if (i < y.Length)
        {
            y[i] = (alpha * x[i]) + y[i];
        }
    }

    public interface IBinaryOp
    {
        static abstract float Apply(float a, float b);
    }

    public readonly struct MaxOp : IBinaryOp
    {
        public static float Apply(float a, float b) => MathF.Max(a, b);
    }

    public readonly struct SubOp : IBinaryOp
    {
        public static float Apply(float a, float b) => a - b;
    }

    /// <summary>Each thread folds TUnroll consecutive elements with TOp into out[i].</summary>
    [Kernel]
    public static void Fold<TOp, TUnroll>(ArrayView<float> x, ArrayView<float> result)
        where TOp : struct, IBinaryOp
        where TUnroll : struct, IConst
    {
        var i = Grid.GlobalIndexX;
        if (i >= result.Length)
        {
            return;
        }
        var acc = x[i * TUnroll.Value];
        for (var j = 1; j < TUnroll.Value; j++)
        {
            acc = TOp.Apply(acc, x[(i * TUnroll.Value) + j]);
        }
        result[i] = acc;
    }

    /// <summary>Running maximum m and the sum s of exp(x - m), rescaled when m grows (online softmax).</summary>
    public struct OnlineSoftmax
    {
        public float Max;
        public float Sum;

        public void Add(float x)
        {
            if (x > Max)
            {
                Sum = (Sum * DeviceMath.Exp(Max - x)) + 1f;
                Max = x;
            }
            else
            {
                Sum += DeviceMath.Exp(x - Max);
            }
        }
    }

    /// <summary>Per row of width w: [max, sum of exp(x - max)].</summary>
    [Kernel]
    public static void Softmax(ArrayView<float> x, ArrayView<float> stats, int width)
    {
        var row = Grid.GlobalIndexX;
        if (row * width >= x.Length)
        {
            return;
        }
        var state = new OnlineSoftmax { Max = float.NegativeInfinity, Sum = 0f };
        for (var j = 0; j < width; j++)
        {
            state.Add(x[(row * width) + j]);
        }
        stats[2 * row] = state.Max;
        stats[(2 * row) + 1] = state.Sum;
    }

    public static void Check(IKernelRuntime runtime, int n)
    {
        var xf = Expect.RandomFloats(n, 16);
        var yf = Expect.RandomFloats(n, 17);
        using var dxf = Expect.Upload<float>(runtime, xf);
        using var dyf = Expect.Upload<float>(runtime, yf);
        runtime.Launch(KernelCompiler.Compile(typeof(Specialisation), nameof(Axpy), null, typeof(float)), Expect.CeilDiv(n, 32), 32, 0, dxf.View, dyf.View, 3f);
        Expect.Equal<float>(xf.Zip(yf, (a, b) => (3f * a) + b).ToArray(), Expect.Download(dyf), "axpy<float>");

        var xi = Enumerable.Range(0, n).Select(i => (i * 7) - 50).ToArray();
        var yi = Enumerable.Range(0, n).Select(i => i * i).ToArray();
        using var dxi = Expect.Upload<int>(runtime, xi);
        using var dyi = Expect.Upload<int>(runtime, yi);
        runtime.Launch(KernelCompiler.Compile(typeof(Specialisation), nameof(Axpy), null, typeof(int)), Expect.CeilDiv(n, 32), 32, 0, dxi.View, dyi.View, -2);
        Expect.Equal<int>(xi.Zip(yi, (a, b) => (-2 * a) + b).ToArray(), Expect.Download(dyi), "axpy<int>");

        var groups = n / 4;
        using var dmax = runtime.Allocate<float>(groups);
        using var dsub = runtime.Allocate<float>(groups);
        if (groups > 0)
        {
            runtime.Launch(KernelCompiler.Compile(typeof(Specialisation), nameof(Fold), null, typeof(MaxOp), typeof(Size4)), Expect.CeilDiv(groups, 32), 32, 0, dxf.View, dmax.View);
            runtime.Launch(KernelCompiler.Compile(typeof(Specialisation), nameof(Fold), null, typeof(SubOp), typeof(Size4)), Expect.CeilDiv(groups, 32), 32, 0, dxf.View, dsub.View);
        }
        Expect.Equal<float>(Enumerable.Range(0, groups).Select(g => xf.Skip(g * 4).Take(4).Max()).ToArray(), Expect.Download(dmax), "fold max");
        Expect.Equal<float>(Enumerable.Range(0, groups).Select(g => xf[g * 4] - xf[(g * 4) + 1] - xf[(g * 4) + 2] - xf[(g * 4) + 3]).ToArray(), Expect.Download(dsub), "fold sub");

        const int width = 5;
        var rows = n / width;
        var x = Expect.RandomFloats(rows * width, 18, -4f, 4f);
        using var dx = Expect.Upload<float>(runtime, x);
        using var dstats = runtime.Allocate<float>(2 * rows);
        if (rows > 0)
        {
            runtime.Launch(KernelCompiler.Compile(typeof(Specialisation), nameof(Softmax)), Expect.CeilDiv(rows, 32), 32, 0, dx.View, dstats.View, width);
        }
        var expected = new float[2 * rows];
        for (var r = 0; r < rows; r++)
        {
            var max = x.Skip(r * width).Take(width).Max();
            expected[2 * r] = max;
            expected[(2 * r) + 1] = x.Skip(r * width).Take(width).Sum(v => MathF.Exp(v - max));
        }
        // exp on the device is ex2.approx (2 ulp); the online rescaling reorders the sum: 1e-5 relative.
        Expect.Close(expected, Expect.Download(dstats), 1e-6f, 1e-5f, "online softmax");
    }
}
