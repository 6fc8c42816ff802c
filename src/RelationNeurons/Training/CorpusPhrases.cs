namespace RelationNeurons.Training;

/// <summary>
/// The hand-written language material of the training text, per language: framings that put a
/// fact statement in other surroundings, sentences that mention an entity without stating a
/// relation, number words for counting, and the parts of small template stories. Kept apart from
/// <see cref="CorpusBuilder"/> so that adding a language means adding one entry here.
/// </summary>
internal sealed record CorpusPhrases(
    string Language,
    string[] StatementPrefixes,
    string[] StatementSuffixes,
    string[] EntitySentences,
    string[] NumberWords,
    string[] Names,
    string[] Animals,
    string[] Colors,
    string[] Foods,
    string[] StoryTemplates)
{
    /// <summary>Placeholders in stories: {name}, {name2}, {animal}, {color}, {food}, {n} (a number word).</summary>
    public static readonly IReadOnlyDictionary<string, CorpusPhrases> ByLanguage = new Dictionary<string, CorpusPhrases>(StringComparer.Ordinal)
    {
        ["en"] = new("en",
            ["Fact:", "Did you know?", "Here is a fact.", "Yes.", "Note:"],
            ["That is true.", "Everyone knows that.", "This is correct."],
            ["{} is a name many people know.", "We talked about {} today.", "I read a short text about {}.", "{} was in the news again.", "My friend asked me about {}.", "There is a long article about {}."],
            ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
            ["Anna", "Tom", "Maria", "Paul", "Lena", "Max", "Sara", "Ben"],
            ["cat", "dog", "bird", "horse", "fish", "rabbit"],
            ["red", "blue", "green", "black", "white", "yellow"],
            ["bread", "apples", "cheese", "soup", "rice", "cake"],
            ["{name} has a {color} {animal}.", "{name} buys {n} apples at the market.", "{name} and {name2} eat {food} for dinner.",
             "The {animal} of {name} is {color}.", "{name} sees {n} birds in the garden.", "In the morning {name} makes {food}.",
             "{name} walks to school with {name2}.", "The {animal} sleeps in the sun."]),
        ["de"] = new("de",
            ["Tatsache:", "Wusstest du das?", "Hier ist eine Tatsache.", "Ja.", "Notiz:"],
            ["Das ist wahr.", "Das weiß jeder.", "Das stimmt."],
            ["{} ist ein Name, den viele kennen.", "Wir haben heute über {} gesprochen.", "Ich habe einen kurzen Text über {} gelesen.", "{} war wieder in den Nachrichten.", "Mein Freund hat mich nach {} gefragt.", "Es gibt einen langen Artikel über {}."],
            ["eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf"],
            ["Anna", "Tom", "Maria", "Paul", "Lena", "Max", "Sara", "Ben"],
            ["Hund", "Vogel", "Fisch", "Hase", "Esel", "Bär"],
            ["rot", "blau", "grün", "schwarz", "weiß", "gelb"],
            ["Brot", "Äpfel", "Käse", "Suppe", "Reis", "Kuchen"],
            ["{name} hat ein Tier, es ist {color}.", "{name} kauft {n} Äpfel auf dem Markt.", "{name} und {name2} essen {food} zum Abendessen.",
             "Das Tier von {name} ist ein {animal}.", "{name} sieht {n} Vögel im Garten.", "Am Morgen macht {name} {food}.",
             "{name} geht mit {name2} zur Schule.", "Der {animal} schläft in der Sonne."]),
        ["fr"] = new("fr",
            ["Fait :", "Le savais-tu ?", "Voici un fait.", "Oui.", "Note :"],
            ["C'est vrai.", "Tout le monde le sait.", "C'est exact."],
            ["{} est un nom que beaucoup connaissent.", "Nous avons parlé de {} aujourd'hui.", "J'ai lu un court texte sur {}.", "{} était encore dans les nouvelles.", "Mon ami m'a posé une question sur {}.", "Il y a un long article sur {}."],
            ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"],
            ["Anna", "Tom", "Maria", "Paul", "Léa", "Max", "Sara", "Ben"],
            ["chat", "chien", "oiseau", "cheval", "poisson", "lapin"],
            ["rouge", "bleu", "vert", "noir", "blanc", "jaune"],
            ["du pain", "des pommes", "du fromage", "de la soupe", "du riz", "du gâteau"],
            ["{name} a un {animal} {color}.", "{name} achète {n} pommes au marché.", "{name} et {name2} mangent {food} au dîner.",
             "Le {animal} de {name} est {color}.", "{name} voit {n} oiseaux dans le jardin.", "Le matin, {name} prépare {food}.",
             "{name} va à l'école avec {name2}.", "Le {animal} dort au soleil."]),
        ["es"] = new("es",
            ["Dato:", "¿Sabías esto?", "Aquí hay un dato.", "Sí.", "Nota:"],
            ["Es verdad.", "Todo el mundo lo sabe.", "Es correcto."],
            ["{} es un nombre que muchos conocen.", "Hoy hablamos de {}.", "Leí un texto corto sobre {}.", "{} salió otra vez en las noticias.", "Mi amigo me preguntó por {}.", "Hay un artículo largo sobre {}."],
            ["uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce"],
            ["Ana", "Tomás", "María", "Pablo", "Lena", "Max", "Sara", "Ben"],
            ["gato", "perro", "pájaro", "caballo", "pez", "conejo"],
            ["rojo", "azul", "verde", "negro", "blanco", "amarillo"],
            ["pan", "manzanas", "queso", "sopa", "arroz", "pastel"],
            ["{name} tiene un {animal} {color}.", "{name} compra {n} manzanas en el mercado.", "{name} y {name2} comen {food} en la cena.",
             "El {animal} de {name} es {color}.", "{name} ve {n} pájaros en el jardín.", "Por la mañana {name} prepara {food}.",
             "{name} va a la escuela con {name2}.", "El {animal} duerme al sol."]),
    };

    /// <summary>English material stands in for a language without its own entry.</summary>
    public static CorpusPhrases For(string language) =>
        ByLanguage.TryGetValue(language, out var p) ? p : ByLanguage["en"] with { Language = language };
}
