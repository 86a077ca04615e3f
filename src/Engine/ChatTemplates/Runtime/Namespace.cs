namespace Engine.ChatTemplates.Runtime;

/// <summary>Jinja's <c>namespace()</c>: the one object a template may mutate, via <c>{% set ns.attr = value %}</c>.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
