namespace Kernels.IR;

/// <summary>Removes trivial φs (Braun et al.): a φ whose inputs are only itself and one value v is v.</summary>
public static class TrivialPhis
{
    /// <summary>A φ whose inputs are only itself and one value v is v; repeat until none is left.</summary>
    public static void Remove(Function function)
    {
        while (true)
        {
            var replacements = new Dictionary<Value, Value>();
            foreach (var block in function.Blocks)
            {
                for (var i = block.Phis.Count - 1; i >= 0; i--)
                {
                    var phi = block.Phis[i];
                    Value? same = null;
                    var trivial = true;
                    foreach (var input in phi.Inputs)
                    {
                        var resolved = input;
                        while (replacements.TryGetValue(resolved, out var next))
                        {
                            resolved = next;
                        }
                        if (resolved == phi || resolved == same)
                        {
                            continue;
                        }
                        if (same is not null)
                        {
                            trivial = false;
                            break;
                        }
                        same = resolved;
                    }
                    if (trivial)
                    {
                        replacements[phi] = same ?? Constant.Zero(phi.Type);
                        block.Phis.RemoveAt(i);
                    }
                }
            }
            if (replacements.Count == 0)
            {
                return;
            }
            function.ReplaceUses(replacements);
        }
    }
}
