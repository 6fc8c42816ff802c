"""company_hq: "{} is headquartered in the city of? Answer:" (translated by the project)."""

from translations.cities import CITIES as LEXICON  # noqa: F401

TEMPLATES = {
    "de": "Der Hauptsitz von {} befindet sich in der Stadt? Antwort:",
    "es": "¿{} tiene su sede en la ciudad de? Respuesta:",
    "fr": "{} a son siège dans la ville de ? Réponse :",
    "zh": "{}的总部所在城市是？答案：",
    "ja": "{}の本部がある都市は？答え：",
}

# id | de | es | fr | zh | ja
SUBJECTS = """
monell_chemical_senses_center | = | = | = | 莫奈尔化学感官中心 | モネル化学感覚センター
british_tanker_company | = | = | = | 英国油轮公司 | ブリティッシュ・タンカー・カンパニー
amirkabir_university_of_technology | Technische Universität Amirkabir | Universidad Tecnológica Amirkabir | Université de technologie Amirkabir | 阿米尔卡比尔理工大学 | アミールキャビール工科大学
ministry_of_foreign_affairs | Ministerium für Auswärtige Angelegenheiten | Ministerio de Asuntos Exteriores | Ministère des Affaires étrangères | 外交部 | 外務省
pagan_federation | = | = | = | = | =
physikalisch_technische_bundesanstalt | = | = | = | 德国联邦物理技术研究院 | ドイツ物理工学研究所
beetham_organization | = | = | = | = | =
ericsson | = | = | = | 爱立信 | エリクソン
century_21_real_estate | = | = | = | 21世纪不动产 | センチュリー21
mcgill_university | = | Universidad McGill | Université McGill | 麦吉尔大学 | マギル大学
state_university_of_new_york | = | Universidad Estatal de Nueva York | Université d'État de New York | 纽约州立大学 | ニューヨーク州立大学
melodiya | Melodija | = | Melodia | 旋律唱片公司 | メロディア
institute_of_chartered_secretaries_and_administrators | = | = | = | 英国特许秘书及行政人员公会 | =
dfds | = | = | = | = | =
keystone_bridge_company | = | = | = | 基斯通桥梁公司 | キーストーン・ブリッジ・カンパニー
johnson_publishing_company | = | = | = | 约翰逊出版公司 | ジョンソン出版社
cummins | = | = | = | 康明斯 | カミンズ
mama_company | = | = | = | = | =
wwe | = | = | = | = | =
royal_numismatic_society | = | Real Sociedad Numismática | = | 英国皇家钱币学会 | 王立貨幣協会
iranian_reform_movement | Iranische Reformbewegung | Movimiento reformista iraní | Mouvement réformateur iranien | 伊朗改革运动 | イラン改革運動
assyrian_church_of_the_east | Assyrische Kirche des Ostens | Iglesia asiria del Oriente | Église assyrienne de l'Orient | 东方亚述教会 | アッシリア東方教会
itc_entertainment | = | = | = | = | =
hooters | = | = | = | 猫头鹰餐厅 | フーターズ
holt_renfrew | = | = | = | = | =
ace_hardware | = | = | = | = | エース・ハードウェア
talbot | = | = | = | = | タルボ
dcd_media | = | = | = | = | =
six_shooter_records | = | = | = | = | =
alberta_liberal_party | = | Partido Liberal de Alberta | Parti libéral de l'Alberta | 艾伯塔自由党 | アルバータ自由党
muse_entertainment | = | = | = | = | =
european_aviation_safety_agency | Agentur der Europäischen Union für Flugsicherheit | Agencia Europea de Seguridad Aérea | Agence européenne de la sécurité aérienne | 欧洲航空安全局 | 欧州航空安全機関
pepe_jeans | = | = | = | = | =
tube_investments_of_india_limited | = | = | = | = | =
game_companies_named_stern | Spielefirmen namens Stern | Empresas de juegos llamadas Stern | Sociétés de jeux nommées Stern | 名为Stern的游戏公司 | Sternという名のゲーム会社
tonkam | = | = | = | = | =
carnival_films | = | = | = | = | =
second_bank_of_the_united_states | = | Segundo Banco de los Estados Unidos | Seconde banque des États-Unis | 美国第二银行 | 第二合衆国銀行
world_championship_wrestling | = | = | = | 世界冠军摔角 | ワールド・チャンピオンシップ・レスリング
state_street_corporation | = | = | = | 道富公司 | ステート・ストリート
institution_of_structural_engineers | = | = | = | 英国结构工程师学会 | =
egyptian_exchange | Ägyptische Börse | Bolsa de Egipto | Bourse égyptienne | 埃及交易所 | エジプト証券取引所
narrative_science | = | = | = | = | =
phoenix_group | = | = | = | = | =
wemade_entertainment | = | = | = | 娱美德 | ウィメイド
pace_sports_management | = | = | = | = | =
soundcloud | = | = | = | = | =
ual_corporation | = | = | = | UAL公司 | UALコーポレーション
wadia_group | = | = | = | 瓦迪亚集团 | ワディア・グループ
tsar_publications | = | = | = | = | =
"""
