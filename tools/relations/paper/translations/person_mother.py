"""person_mother: "{}'s mother is named? Answer:" (translated by the project)."""

from translations.people import PEOPLE as SHARED_SUBJECTS  # noqa: F401

TEMPLATES = {
    "de": "Die Mutter von {} heißt? Antwort:",
    "es": "¿La madre de {} se llama? Respuesta:",
    "fr": "La mère de {} s'appelle ? Réponse :",
    "zh": "{}的母亲名叫？答案：",
    "ja": "{}の母親の名前は？答え：",
}

SUBJECTS = ""

# As person_father: names stay as written unless a standard form exists.
OBJECTS = """
britney_spears
marilyn_monroe
ludwig_van_beethoven
charles_dickens
joseph_stalin
richard_wagner
cicero
george_frideric_handel
george_washington | = | = | = | 玛丽·鲍尔·华盛顿 / Mary Ball Washington | メアリー・ボール・ワシントン / Mary Ball Washington
henri_de_toulouse_lautrec
sophia_loren
julia_roberts
aleksandr_solzhenitsyn
blaise_pascal
john_constable
justin_bieber
georgia_o_keeffe
johannes_kepler | = | = | = | 卡塔琳娜·开普勒 / Katharina Kepler | カタリーナ・ケプラー / Katharina Kepler
napoleon_iii | = | Hortensia de Beauharnais / Hortense de Beauharnais | = | 奥坦丝·德·博阿尔内 / Hortense de Beauharnais | オルタンス・ド・ボアルネ / Hortense de Beauharnais
augustus | = | = | = | 阿提娅 / Atia | アティア / Atia
marcel_proust
samuel_taylor_coleridge
tennessee_williams
al_gore
seamus_heaney
friedrich_durrenmatt
alfonso_x_of_castile_and_leon | Elisabeth von Schwaben / Beatrix von Schwaben / Elisabeth of Swabia | Beatriz de Suabia / Isabel de Suabia / Elisabeth of Swabia | Élisabeth de Souabe / Béatrice de Souabe / Elisabeth of Swabia | 施瓦本的伊丽莎白 / 施瓦本的伊莉莎白 / Elisabeth of Swabia | エリーザベト・フォン・シュヴァーベン / ベアトリス・デ・スアビア / Elisabeth of Swabia
shinzo_abe | = | = | = | 岸洋子 / 安倍洋子 / Yōko Kishi | 岸洋子 / 安倍洋子 / Yōko Kishi
louis_aragon
sarah_jessica_parker
emmanuel_macron
billie_eilish
yehudi_menuhin
carl_gustaf_emil_mannerheim
giacomo_casanova
diana_princess_of_wales
nina_hagen
adam_smith
ferdinand_ii_of_aragon | Johanna Enríquez / Juana Enríquez | = | Jeanne Enríquez / Juana Enríquez | 胡安娜·恩里克斯 / Juana Enríquez | フアナ・エンリケス / Juana Enríquez
stevie_wonder
jennifer_aniston
thomas_babington_macaulay_1st_baron_macaulay
philip_iv_of_spain | Margarete von Österreich / Margaret of Austria, Queen of Spain | Margarita de Austria-Estiria / Margarita de Austria / Margaret of Austria, Queen of Spain | Marguerite d'Autriche-Styrie / Marguerite d'Autriche / Margaret of Austria, Queen of Spain | 奥地利的玛格丽特 / 奧地利的瑪格麗特 / Margaret of Austria, Queen of Spain | マルガレーテ・フォン・エスターライヒ / マルガリータ・デ・アウストリア / Margaret of Austria, Queen of Spain
william_iii_of_england | Maria Henrietta Stuart / Mary Henrietta, Princess Royal | María Enriqueta Estuardo / Mary Henrietta, Princess Royal | Marie Henriette Stuart / Mary Henrietta, Princess Royal | 玛丽·亨丽埃塔·斯图亚特 / 瑪麗·亨麗埃塔·斯圖亞特 / Mary Henrietta, Princess Royal | メアリー・ヘンリエッタ・ステュアート / Mary Henrietta, Princess Royal
wernher_von_braun
robert_peel
hilaire_belloc
vincent_d_indy
nero | Agrippina die Jüngere / Agrippina | Agripina la Menor / Agripina | Agrippine la Jeune / Agrippine | 小阿格里皮娜 / Agrippina the Younger | 小アグリッピナ / Agrippina the Younger
ludvig_holberg
"""
