namespace RelationNeurons.Tests.Tokenization;

/// <summary>A few hundred deterministic sentences in English, German, French and Spanish (with accents) for tokenizer training tests.</summary>
internal static class TrainingCorpus
{
    private static readonly (string Country, string Capital)[] En =
        [("France", "Paris"), ("Germany", "Berlin"), ("Spain", "Madrid"), ("Italy", "Rome"), ("Austria", "Vienna"), ("Poland", "Warsaw"), ("Greece", "Athens"), ("Sweden", "Stockholm")];
    private static readonly (string Country, string Capital)[] De =
        [("Frankreich", "Paris"), ("Deutschland", "Berlin"), ("Spanien", "Madrid"), ("Italien", "Rom"), ("Österreich", "Wien"), ("Polen", "Warschau"), ("Griechenland", "Athen"), ("Schweden", "Stockholm")];
    private static readonly (string Country, string Capital)[] Fr =
        [("la France", "Paris"), ("l'Allemagne", "Berlin"), ("l'Espagne", "Madrid"), ("l'Italie", "Rome"), ("l'Autriche", "Vienne"), ("la Pologne", "Varsovie"), ("la Grèce", "Athènes"), ("la Suède", "Stockholm")];
    private static readonly (string Country, string Capital)[] Es =
        [("Francia", "París"), ("Alemania", "Berlín"), ("España", "Madrid"), ("Italia", "Roma"), ("Austria", "Viena"), ("Polonia", "Varsovia"), ("Grecia", "Atenas"), ("Suecia", "Estocolmo")];
    private static readonly string[] People = ["Marie Curie", "Jürgen Müller", "François Lefèvre", "Íñigo Martínez", "Zoë Brontë", "Ramón Núñez"];
    private static readonly string[] Instruments = ["piano", "violin", "guitar", "cello", "flute"];

    public static IEnumerable<string> Sentences()
    {
        for (int round = 0; round < 5; round++)
        {
            int t = round % 3;
            foreach (var (c, cap) in En) yield return t switch { 0 => $"The capital of {c} is {cap}.", 1 => $"{cap} is the capital city of {c}, and it is large.", _ => $"In {round + 1990}, {cap} was already the capital of {c}." };
            foreach (var (c, cap) in De) yield return t switch { 0 => $"Die Hauptstadt von {c} ist {cap}.", 1 => $"{cap} ist die größte Stadt in {c}, schön und alt.", _ => $"Im Jahr {round + 1990} war {cap} schon die Hauptstadt von {c}." };
            foreach (var (c, cap) in Fr) yield return t switch { 0 => $"La capitale de {c} est {cap}.", 1 => $"{cap} est une ville célèbre ; c'est déjà l'été à {cap} !", _ => $"En {round + 1990}, {cap} était déjà la capitale de {c}." };
            foreach (var (c, cap) in Es) yield return t switch { 0 => $"La capital de {c} es {cap}.", 1 => $"¿Es {cap} la ciudad más grande de {c}? ¡Sí, señor!", _ => $"En {round + 1990}, {cap} ya era la capital de {c}." };
            for (int i = 0; i < People.Length; i++)
            {
                string instrument = Instruments[(i + round) % Instruments.Length];
                yield return $"{People[i]} plays the {instrument}.";
                yield return $"{People[i]} spielt {instrument} seit {1990 + i * 3 + round} Jahren.";
                yield return $"{People[i]} joue du {instrument} depuis l'âge de {5 + i + round} ans.";
                yield return $"{People[i]} toca el {instrument} desde niño, año {2000 + i + round}.";
            }
        }
    }
}
