namespace Engine.Model;

/// <summary>
/// A read-only set of named weight tensors (HF names, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>), as a
/// checkpoint holds them. <see cref="Require"/> is the one place a missing or mis-shaped tensor is reported.
/// </summary>
public sealed class Weights
{
    private readonly Dictionary<string, WeightTensor> _tensors;

    public Weights(IEnumerable<WeightTensor> tensors, string source = "in-memory weights")
    {
        Source = source;
        _tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!_tensors.TryAdd(tensor.Name, tensor))
            {
                throw new InvalidDataException($"{source}: tensor '{tensor.Name}' appears twice.");
            }
        }
    }

    /// <summary>Where the tensors came from (a checkpoint folder), for error messages.</summary>
    public string Source { get; }

    public IReadOnlyCollection<string> Names => _tensors.Keys;

    public bool TryGet(string name, out WeightTensor tensor) => _tensors.TryGetValue(name, out tensor!);

    /// <summary>
    /// Returns the tensor called <paramref name="name"/>; throws <see cref="InvalidDataException"/> naming the
    /// tensor and the source when it is missing or its shape differs from <paramref name="shape"/>.
    /// </summary>
    public WeightTensor Require(string name, params int[] shape)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"{Source}: required tensor '{name}' (shape [{string.Join(", ", shape)}]) is missing.");
        }
        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException(
                $"{Source}: tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", shape)}].");
        }
        return tensor;
    }
}
