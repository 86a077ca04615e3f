using Kernels.Language;

namespace Kernels.Tests;

/// <summary>Kernels that use what the device cannot do; each must fail to compile with a named construct.</summary>
public static class UnsupportedKernels
{
    public sealed class Box
    {
        public float Value { get; set; }
    }

    public struct Plain
    {
        public int X;
    }

    [Kernel]
    public static void Allocates(ArrayView<float> y)
    {
        var box = new Box { Value = 1f };
        y[0] = box.Value;
    }

    [Kernel]
    public static void UsesManagedArray(ArrayView<float> y)
    {
        var local = new float[4];
        local[Grid.ThreadIdxX & 3] = 1f;
        y[0] = local[0];
    }

    [Kernel]
    public static void Throws(ArrayView<float> y)
    {
        if (y.Length == 0)
        {
            throw new InvalidOperationException("empty");
        }
        y[0] = 1f;
    }

    [Kernel]
    public static void CatchesExceptions(ArrayView<float> y)
    {
        try
        {
            y[0] = 1f;
        }
        finally
        {
            y[1] = 2f;
        }
    }

    [Kernel]
    public static void CallsVirtualMethod(ArrayView<int> y)
    {
        var plain = new Plain { X = 3 };
        y[0] = plain.GetHashCode();
    }

    [Kernel]
    public static void UsesString(ArrayView<int> y) => y[0] = Measure("abc");

    private static int Measure(string text) => text.Length;

    [Kernel]
    public static void Recurses(ArrayView<int> y) => y[0] = Factorial(y.Length);

    private static int Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    [Kernel]
    public static void CallsUnsupportedMethod(ArrayView<double> y) => y[0] = Math.Exp(y[1]);

    [Kernel]
    public static void CallsConsole(ArrayView<int> y)
    {
        Console.WriteLine(y.Length);
    }

    [Kernel]
    public static void SharedSizeNotConstant(ArrayView<float> y)
    {
        var tile = Shared.Allocate<float>(y.Length);
        tile[0] = 1f;
        y[0] = tile[0];
    }

    [Kernel]
    public static void TakesReferenceType(ArrayView<float> y, Box box) => y[0] = box.Value;

    [Kernel]
    public static void HelperAllocates(ArrayView<float> y) => y[0] = Helper();

    private static float Helper() => new Box().Value;
}
