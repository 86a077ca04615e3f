using System.Globalization;
using Kernels.IR;

namespace Kernels.Ptx;

/// <summary>
/// Virtual registers: every SSA value gets its own register in its type's class (<c>%f12</c> for value 12),
/// tuples get a group (<c>%v12_0..3</c>), and the emitter takes numbered temporaries (<c>%tf3</c>). ptxas does
/// the real allocation.
/// </summary>
internal sealed class RegisterAllocator
{
    private readonly Dictionary<string, int> _temps = [];
    private readonly List<string> _tupleDeclarations = [];
    private readonly int _count;

    public RegisterAllocator(int valueCount) => _count = valueCount;

    public string Of(Value value)
    {
        if (value.Type.Kind == ScalarKind.Tuple)
        {
            throw new InvalidOperationException("a tuple has no single register");
        }
        return PtxTable.RegisterClass(value.Type.Kind).Prefix + value.Id.ToString(CultureInfo.InvariantCulture);
    }

    public string TupleElement(Value tuple, int index) => $"%v{tuple.Id}_{index}";

    public void DeclareTuple(Value tuple)
    {
        var declared = PtxTable.RegisterClass(tuple.Type.Element).Declared;
        _tupleDeclarations.Add($"\t.reg {declared} %v{tuple.Id}_<{tuple.Type.Count}>;");
    }

    public string Temp(ScalarKind kind)
    {
        var prefix = "%t" + PtxTable.RegisterClass(kind).Prefix[1..];
        var next = _temps.GetValueOrDefault(prefix);
        _temps[prefix] = next + 1;
        return prefix + next.ToString(CultureInfo.InvariantCulture);
    }

    public IEnumerable<string> Declarations()
    {
        foreach (var (prefix, declared) in PtxTable.Classes)
        {
            yield return $"\t.reg {declared} {prefix}<{_count}>;";
            var temp = "%t" + prefix[1..];
            if (_temps.TryGetValue(temp, out var count))
            {
                yield return $"\t.reg {declared} {temp}<{count}>;";
            }
        }
        foreach (var line in _tupleDeclarations)
        {
            yield return line;
        }
    }
}
