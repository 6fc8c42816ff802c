namespace RelationNeurons;

/// <summary>
/// An error the user caused and can fix (bad path, malformed file, unknown name). The CLI prints
/// its message alone, without a stack trace, and exits with code 2.
/// </summary>
public sealed class UserInputException : Exception
{
    public UserInputException(string message) : base(message) { }
    public UserInputException(string message, Exception inner) : base(message, inner) { }
}
