"""The paper's twelve relations: LRE file, name, the second English template (P^eva-2), and
the frames of the object sentences (Table 2's perplexity check)."""

# paper id -> LRE file (data/lre/), display name.
RELATIONS = {
    "company_ceo": ("company_ceo.json", "company CEO"),
    "company_hq": ("company_hq.json", "company headquarters"),
    "landmark_continent": ("landmark_on_continent.json", "landmark on continent"),
    "landmark_country": ("landmark_in_country.json", "landmark in country"),
    "person_father": ("person_father.json", "person father"),
    "person_mother": ("person_mother.json", "person mother"),
    "person_occupation": ("person_occupation.json", "person occupation"),
    "person_plays_instrument": ("person_plays_instrument.json", "person plays instrument"),
    "person_pro_sport": ("person_plays_pro_sport.json", "person plays pro sport"),
    "person_sport_position": ("person_plays_position_in_sport.json", "person sport position"),
    "product_company": ("product_by_company.json", "product by company"),
    "star_constellation": ("star_constellation.json", "star constellation"),
}

# The paper's prompt format: the LRE template, the object left out, then "? Answer:".
ANSWER_CUE = "? Answer:"

# P^eva-2 (METHOD.md §6, Fig 8): a second English template for the same evaluation facts,
# worded after LRE's zero-shot templates (prompt_templates_zs) as a question, and different
# from every detection template.
ALTERNATIVE_TEMPLATES = {
    "company_ceo": "Who is the CEO of {}? Answer:",
    "company_hq": "In which city are the headquarters of {}? Answer:",
    "landmark_continent": "What continent is {} on? Answer:",
    "landmark_country": "What country is {} in? Answer:",
    "person_father": "Who is the father of {}? Answer:",
    "person_mother": "Who is the mother of {}? Answer:",
    "person_occupation": "What is the profession of {}? Answer:",
    "person_plays_instrument": "What instrument does {} play? Answer:",
    "person_pro_sport": "What sport does {} play professionally? Answer:",
    "person_sport_position": "Which position does {} play? Answer:",
    "product_company": "Which company developed {}? Answer:",
    "star_constellation": "Which constellation is {} part of? Answer:",
}

# Words that name a relation: an object sentence contains none of them (nor a subject).
# The same list is in tests/RelationNeurons.Tests/Data/PaperRelationsTests.cs.
RELATION_WORDS = {
    "company_ceo": ["CEO", "chief executive", "executive", "head of", "leads", "runs"],
    "company_hq": ["headquarter", "head office", "based in", "company"],
    "landmark_continent": ["continent", "landmark", "located on"],
    "landmark_country": ["country", "landmark"],
    "person_father": ["father", "dad", "son", "daughter", "child", "parent"],
    "person_mother": ["mother", "mom", "mum", "son", "daughter", "child", "parent"],
    "person_occupation": ["works as", "profession", "occupation", "job"],
    "person_plays_instrument": ["play", "instrument"],
    "person_pro_sport": ["play", "sport", "professional"],
    "person_sport_position": ["play", "position"],
    "product_company": ["product", "created", "developed", "made by", "manufactur", "maker"],
    "star_constellation": ["constellation", "star"],
}

# Object sentences: frames with "{}" for the object, cycled over the relation's objects (most
# frequent object first). At most 50 sentences per relation, at most one per object and frame.
SENTENCE_FRAMES = {
    "company_ceo": [
        "{} gave a short speech at the opening of the conference.",
        "Reporters waited outside the hotel to ask {} a few questions.",
        "A new biography of {} was published last year.",
        "{} was photographed at the airport on Tuesday morning.",
        "Many people have read the long interview with {}.",
    ],
    "company_hq": [
        "The weather in {} was unusually warm last week.",
        "Many students move to {} every autumn.",
        "The old train station in {} has been renovated.",
        "We spent three days in {} and visited several museums.",
        "Housing prices in {} have risen sharply in recent years.",
    ],
    "landmark_continent": [
        "Several new species of birds were discovered in {} last year.",
        "The flight to {} took more than ten hours.",
        "Scientists study the climate of {} very closely.",
        "The expedition spent the whole summer in {}.",
        "Few travellers have seen every corner of {}.",
        "A documentary about the wildlife of {} won an award.",
        "Winters in parts of {} can be extremely harsh.",
        "The museum has a large collection of maps of {}.",
        "Researchers from many universities work in {}.",
        "The rivers of {} were described in an old atlas.",
    ],
    "landmark_country": [
        "Every year, thousands of tourists visit the historic site located in {}.",
        "The national football team of {} won its last match.",
        "Many families in {} celebrate the new year with a large meal.",
        "She learned a lot about the history of {} at school.",
        "The population of {} has grown over the last decade.",
    ],
    "person_father": [
        "Historians have written about {} in several books.",
        "A portrait of {} hangs in the old museum.",
        "Little is known about the early years of {}.",
        "The name of {} appears in many old letters.",
        "{} was remembered by the neighbours as a quiet person.",
    ],
    "person_mother": [
        "Historians have written about {} in several books.",
        "A portrait of {} hangs in the old museum.",
        "Little is known about the early years of {}.",
        "The name of {} appears in many old letters.",
        "{} was remembered by the neighbours as a quiet person.",
    ],
    "person_occupation": [
        "The {} arrived early to prepare for the day.",
        "The {} spoke to the students about a typical working day.",
        "Every {} in the town was invited to the meeting.",
    ],
    "person_plays_instrument": [
        "The old {} in the corner of the room was covered in dust.",
        "A new {} can be quite expensive.",
        "The sound of the {} filled the hall.",
        "The shop downstairs repairs every kind of {}.",
        "She carried the {} carefully up the stairs.",
        "The museum shows a {} that is three hundred years old.",
        "He cleaned the {} with a soft cloth.",
        "The {} was wrapped in a blanket for the journey.",
    ],
    "person_pro_sport": [
        "Many schools in the region have a {} team.",
        "The rules of {} are easy to learn.",
        "He watched {} on television all weekend.",
        "Children in the park were talking about {}.",
        "The newspaper has two pages about {} every day.",
        "Tickets for the {} final sold out in an hour.",
        "Her grandfather still collects old {} cards.",
        "The town built a new {} stadium last year.",
        "A book about the history of {} became a bestseller.",
        "The coach explained the basics of {} to the new team.",
    ],
    "person_sport_position": [
        "The {} was interviewed after the match.",
        "The coach spoke with the {} before training.",
        "The young {} signed a new contract on Friday.",
        "Fans cheered loudly when the {} came onto the field.",
    ],
    "product_company": [
        "Shares of {} rose slightly on Monday.",
        "{} announced a new partnership this week.",
        "Analysts expect {} to report higher profits this year.",
        "The annual meeting of {} took place in the spring.",
        "Several former employees of {} gave interviews.",
    ],
    "star_constellation": [
        "On clear winter nights, {} can be seen from the village.",
        "Ancient myths tell many stories about {}.",
        "The astronomy club spent the evening looking at {}.",
        "Through the telescope, {} looked brighter than ever.",
    ],
}

# Objects that read better with "the" inside a sentence ("located in the Philippines").
NEEDS_THE = {
    "Americas", "United States", "United States of America", "United Kingdom", "Netherlands",
    "Philippines", "Czech Republic", "Dominican Republic", "Bahamas", "Maldives",
    "Democratic Republic of the Congo", "Republic of the Congo", "Central African Republic",
    "United Arab Emirates", "Soviet Union", "Gambia", "Vatican City", "Solomon Islands",
    "Marshall Islands", "Faroe Islands", "Falkland Islands", "Cayman Islands", "Comoros",
    "Seychelles", "Ivory Coast", "People's Republic of China", "Republic of Ireland",
}
