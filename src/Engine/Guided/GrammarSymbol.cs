namespace Engine.Guided;

/// <summary>One symbol of a rule body while a grammar is being built: a reference to a rule or a character set.</summary>
internal readonly record struct GrammarSymbol(bool IsRule, int Value)
{
    public static GrammarSymbol RuleRef(int rule) => new(true, rule);

    public static GrammarSymbol Chars(int charSet) => new(false, charSet);
}
