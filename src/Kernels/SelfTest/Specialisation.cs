using System.Numerics;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// The C# features kernels lean on: a generic kernel over <see cref="INumber{T}"/> specialised per element
/// type, an operator struct with a static abstract method (TensorPrimitives' pattern), an unroll factor as
/// a specialisation constant, and a small struct with a mutating method (an online max/sum, as in softmax).
/// </summary>
public static class Specialisation
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, int> SoftmaxEntry = Softmax;

    /// <summary>y[i] = alpha · x[i] + y[i] for any numeric T.</summary>
    public static void Axpy<T>(ArrayView<T> x, ArrayView<T> y, T alpha)
        where T : unmanaged, INumber<T>
    {
        var i = Grid.GlobalIndex.X;
        if (i < y.IntLength)
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
        public static float Apply(float a, float b) => XMath.Max(a, b);
    }

    public readonly struct SubOp : IBinaryOp
    {
        public static float Apply(float a, float b) => a - b;
    }

    /// <summary>Each thread folds TUnroll consecutive elements with TOp into result[i].</summary>
    public static void Fold<TOp, TUnroll>(ArrayView<float> x, ArrayView<float> result)
        where TOp : struct, IBinaryOp
        where TUnroll : struct, IConst
    {
        var i = Grid.GlobalIndex.X;
        if (i >= result.IntLength)
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
                Sum = (Sum * XMath.Exp(Max - x)) + 1f;
                Max = x;
            }
            else
            {
                Sum += XMath.Exp(x - Max);
            }
        }
    }

    /// <summary>Per row of width w: [max, sum of exp(x - max)].</summary>
    public static void Softmax(ArrayView<float> x, ArrayView<float> stats, int width)
    {
        var row = Grid.GlobalIndex.X;
        if ((row + 1) * width > x.IntLength)
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

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var stream = context.CreateStream();
        var config = Expect.Config(Expect.CeilDiv(n, 32), 32);
        var xf = Expect.RandomFloats(n, 16);
        var yf = Expect.RandomFloats(n, 17);
        using var dxf = Expect.Upload(context, xf);
        using var dyf = Expect.Upload(context, yf);
        context.Load<ArrayView<float>, ArrayView<float>, float>(Axpy)(stream, config, dxf.View, dyf.View, 3f);
        stream.Synchronize();
        // On CUDA ptxas may contract alpha·x + y into one fma: allow that rounding there.
        Expect.Close(xf.Zip(yf, (a, b) => (3f * a) + b).ToArray(), Expect.Download(dyf), 0f, context.IsCuda ? 1.2e-7f : 0f, "axpy<float>");

        var xi = Enumerable.Range(0, n).Select(i => (i * 7) - 50).ToArray();
        var yi = Enumerable.Range(0, n).Select(i => i * i).ToArray();
        using var dxi = Expect.Upload(context, xi);
        using var dyi = Expect.Upload(context, yi);
        context.Load<ArrayView<int>, ArrayView<int>, int>(Axpy)(stream, config, dxi.View, dyi.View, -2);
        stream.Synchronize();
        Expect.Equal<int>(xi.Zip(yi, (a, b) => (-2 * a) + b).ToArray(), Expect.Download(dyi), "axpy<int>");

        var groups = n / 4;
        using var dmax = Expect.Zeros<float>(context, Math.Max(groups, 1));
        using var dsub = Expect.Zeros<float>(context, Math.Max(groups, 1));
        if (groups > 0)
        {
            var foldConfig = Expect.Config(Expect.CeilDiv(groups, 32), 32);
            context.Load<ArrayView<float>, ArrayView<float>>(Fold<MaxOp, Size4>)(stream, foldConfig, dxf.View, dmax.View.SubView(0, groups));
            context.Load<ArrayView<float>, ArrayView<float>>(Fold<SubOp, Size4>)(stream, foldConfig, dxf.View, dsub.View.SubView(0, groups));
            stream.Synchronize();
            // Fold read x after axpy<float> updated only y, so x is still xf.
            Expect.Equal<float>(Enumerable.Range(0, groups).Select(g => xf.Skip(g * 4).Take(4).Max()).ToArray(), Expect.Download(dmax), "fold max");
            Expect.Equal<float>(Enumerable.Range(0, groups).Select(g => xf[g * 4] - xf[(g * 4) + 1] - xf[(g * 4) + 2] - xf[(g * 4) + 3]).ToArray(), Expect.Download(dsub), "fold sub");
        }

        const int width = 5;
        var rows = n / width;
        if (rows == 0)
        {
            return;
        }
        var x = Expect.RandomFloats(rows * width, 18, -4f, 4f);
        using var dx = Expect.Upload(context, x);
        using var dstats = Expect.Zeros<float>(context, 2 * rows);
        context.Load(SoftmaxEntry)(stream, Expect.Config(Expect.CeilDiv(rows, 32), 32), dx.View, dstats.View, width);
        stream.Synchronize();
        var expected = new float[2 * rows];
        for (var r = 0; r < rows; r++)
        {
            var max = x.Skip(r * width).Take(width).Max();
            expected[2 * r] = max;
            expected[(2 * r) + 1] = x.Skip(r * width).Take(width).Sum(v => MathF.Exp(v - max));
        }
        // XMath.Exp is a few ulp from MathF.Exp; the online rescaling reorders the sum: 1e-5 relative.
        Expect.Close(expected, Expect.Download(dstats), 1e-6f, 1e-5f, "online softmax");
    }
}
