using System.Numerics;
using System.Reflection;
using Kernels.Language;

namespace Kernels.Frontend;

/// <summary>The .NET members a kernel may call directly, each mapped to the intrinsic with the same meaning.</summary>
internal static class BclIntrinsics
{
    private static readonly Dictionary<MethodBase, Intrinsic> Map = Build();

    public static Intrinsic? Find(MethodBase method) => Map.TryGetValue(method, out var op) ? op : null;

    private static Dictionary<MethodBase, Intrinsic> Build()
    {
        var map = new Dictionary<MethodBase, Intrinsic>();
        void Add(Type type, string name, Intrinsic op, params Type[] parameters)
        {
            var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters)
                ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
            map[method] = op;
        }
        Type f = typeof(float), d = typeof(double), i = typeof(int), u = typeof(uint), l = typeof(long), h = typeof(Half);
        Add(typeof(MathF), nameof(MathF.Exp), Intrinsic.Exp, f);
        Add(typeof(MathF), nameof(MathF.Log), Intrinsic.Log, f);
        Add(typeof(MathF), nameof(MathF.Log2), Intrinsic.Log2, f);
        Add(typeof(MathF), nameof(MathF.Sqrt), Intrinsic.Sqrt, f);
        Add(typeof(MathF), nameof(MathF.Tanh), Intrinsic.Tanh, f);
        Add(typeof(MathF), nameof(MathF.Abs), Intrinsic.Abs, f);
        Add(typeof(MathF), nameof(MathF.Max), Intrinsic.Max, f, f);
        Add(typeof(MathF), nameof(MathF.Min), Intrinsic.Min, f, f);
        Add(typeof(MathF), nameof(MathF.FusedMultiplyAdd), Intrinsic.Fma, f, f, f);
        foreach (var t in new[] { i, u, l, f, d })
        {
            Add(typeof(Math), nameof(Math.Max), Intrinsic.Max, t, t);
            Add(typeof(Math), nameof(Math.Min), Intrinsic.Min, t, t);
        }
        Add(typeof(Math), nameof(Math.Abs), Intrinsic.Abs, i);
        Add(typeof(Math), nameof(Math.Abs), Intrinsic.Abs, f);
        Add(typeof(Math), nameof(Math.Sqrt), Intrinsic.Sqrt, d);
        Add(typeof(BitConverter), nameof(BitConverter.SingleToInt32Bits), Intrinsic.FloatBits, f);
        Add(typeof(BitConverter), nameof(BitConverter.SingleToUInt32Bits), Intrinsic.FloatBits, f);
        Add(typeof(BitConverter), nameof(BitConverter.Int32BitsToSingle), Intrinsic.BitsToFloat, i);
        Add(typeof(BitConverter), nameof(BitConverter.UInt32BitsToSingle), Intrinsic.BitsToFloat, u);
        Add(typeof(BitConverter), nameof(BitConverter.HalfToUInt16Bits), Intrinsic.HalfBits, h);
        Add(typeof(BitOperations), nameof(BitOperations.PopCount), Intrinsic.PopCount, u);
        foreach (var method in typeof(Half).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == "op_Explicit"))
        {
            var from = method.GetParameters()[0].ParameterType;
            if (from == h && method.ReturnType == f)
            {
                map[method] = Intrinsic.HalfToFloat;
            }
            else if (from == f && method.ReturnType == h)
            {
                map[method] = Intrinsic.FloatToHalf;
            }
        }
        return map;
    }
}
