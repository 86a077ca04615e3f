namespace Loader.Safetensors;

/// <summary>
/// A tensor's description without its data: name, element type and shape (row-major, outermost first; an
/// empty shape is a scalar with one element).
/// </summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDtype Dtype, IReadOnlyList<long> Shape)
{
    /// <summary>Product of <see cref="Shape"/> (1 for a scalar). Throws <see cref="OverflowException"/> past <see cref="long.MaxValue"/>.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count = checked(count * dim);
            }
            return count;
        }
    }

    /// <summary><see cref="ElementCount"/> times the dtype's size in bytes.</summary>
    public long ByteLength => checked(ElementCount * SafetensorsDtypes.SizeOf(Dtype));

    /// <summary>The shape as <c>[a, b, c]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
