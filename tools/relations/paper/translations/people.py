"""People who are subjects of several relations, by fact id (the slug of the English name):
fact_id | de | es | fr | zh | ja. Names stay as written unless the language has a standard form
(historical figures in German, Spanish and French; the usual Chinese and Japanese forms of
well-known names); a bare id keeps the written form everywhere."""

PEOPLE = """
britney_spears | = | = | = | 布兰妮·斯皮尔斯 | ブリトニー・スピアーズ
marilyn_monroe | = | = | = | 玛丽莲·梦露 | マリリン・モンロー
ludwig_van_beethoven | = | = | = | 路德维希·凡·贝多芬 | ルートヴィヒ・ヴァン・ベートーヴェン
charles_dickens | = | = | = | 查尔斯·狄更斯 | チャールズ・ディケンズ
joseph_stalin | Josef Stalin | Iósif Stalin | Joseph Staline | 约瑟夫·斯大林 | ヨシフ・スターリン
raphael | Raffael | Rafael | Raphaël | 拉斐尔 | ラファエロ
noam_chomsky | = | = | = | 诺姆·乔姆斯基 | ノーム・チョムスキー
nadia_boulanger | = | = | = | 娜迪亚·布朗热 | ナディア・ブーランジェ
richard_wagner | = | = | = | 理查德·瓦格纳 | リヒャルト・ワーグナー
cicero | = | Cicerón | Cicéron | 西塞罗 | キケロ
lionel_messi | = | = | = | 利昂内尔·梅西 | リオネル・メッシ
rabindranath_tagore | = | = | = | 罗宾德拉纳特·泰戈尔 | ラビンドラナート・タゴール
george_frideric_handel | Georg Friedrich Händel | Georg Friedrich Händel | Georg Friedrich Haendel | 乔治·弗里德里希·亨德尔 | ゲオルク・フリードリヒ・ヘンデル
george_washington | = | = | = | 乔治·华盛顿 | ジョージ・ワシントン
henri_de_toulouse_lautrec | = | = | = | 亨利·德·图卢兹-罗特列克 | アンリ・ド・トゥールーズ＝ロートレック
sophia_loren | = | = | = | 索菲亚·罗兰 | ソフィア・ローレン
julia_roberts | = | = | = | 朱莉娅·罗伯茨 | ジュリア・ロバーツ
joseph_vernet | = | = | = | 约瑟夫·韦尔内 | ジョゼフ・ヴェルネ
aleksandr_solzhenitsyn | Alexander Solschenizyn | = | Alexandre Soljenitsyne | 亚历山大·索尔仁尼琴 | アレクサンドル・ソルジェニーツィン
blaise_pascal | = | = | = | 布莱兹·帕斯卡 | ブレーズ・パスカル
john_constable | = | = | = | 约翰·康斯特布尔 | ジョン・コンスタブル
justin_bieber | = | = | = | 贾斯汀·比伯 | ジャスティン・ビーバー
georgia_o_keeffe | = | = | = | 乔治亚·欧姬芙 | ジョージア・オキーフ
johannes_kepler | = | = | = | 约翰内斯·开普勒 | ヨハネス・ケプラー
napoleon_iii | Napoleon III. | Napoleón III | Napoléon III | 拿破仑三世 | ナポレオン3世
augustus | = | Augusto | Auguste | 奥古斯都 | アウグストゥス
marcel_proust | = | = | = | 马塞尔·普鲁斯特 | マルセル・プルースト
samuel_taylor_coleridge | = | = | = | 塞缪尔·泰勒·柯勒律治 | サミュエル・テイラー・コールリッジ
tennessee_williams | = | = | = | 田纳西·威廉斯 | テネシー・ウィリアムズ
al_gore | = | = | = | 阿尔·戈尔 | アル・ゴア
seamus_heaney | = | = | = | 谢默斯·希尼 | シェイマス・ヒーニー
friedrich_durrenmatt | = | = | = | 弗里德里希·迪伦马特 | フリードリヒ・デュレンマット
alfonso_x_of_castile_and_leon | Alfons X. von Kastilien und León | Alfonso X de Castilla y León | Alphonse X de Castille et León | 卡斯蒂利亚和莱昂的阿方索十世 | カスティーリャ王アルフォンソ10世
shinzo_abe | = | = | = | 安倍晋三 | 安倍晋三
louis_aragon | = | = | = | 路易·阿拉贡 | ルイ・アラゴン
sarah_jessica_parker | = | = | = | 莎拉·杰西卡·帕克 | サラ・ジェシカ・パーカー
emmanuel_macron | = | = | = | 埃马纽埃尔·马克龙 | エマニュエル・マクロン
billie_eilish | = | = | = | 比莉·艾利什 | ビリー・アイリッシュ
yehudi_menuhin | = | = | = | 耶胡迪·梅纽因 | ユーディ・メニューイン
carl_gustaf_emil_mannerheim | = | = | = | 卡尔·古斯塔夫·埃米尔·曼纳海姆 | カール・グスタフ・エミール・マンネルヘイム
giacomo_casanova | = | = | = | 贾科莫·卡萨诺瓦 | ジャコモ・カサノヴァ
diana_princess_of_wales | = | Diana, princesa de Gales | Diana, princesse de Galles | 威尔士王妃戴安娜 | ウェールズ公妃ダイアナ
nina_hagen | = | = | = | 尼娜·哈根 | ニナ・ハーゲン
friedrich_hayek | = | = | = | 弗里德里希·哈耶克 | フリードリヒ・ハイエク
karl_friedrich_schinkel | = | = | = | 卡尔·弗里德里希·申克尔 | カール・フリードリッヒ・シンケル
ferdinand_ii_of_aragon | Ferdinand II. von Aragón | Fernando II de Aragón | Ferdinand II d'Aragon | 阿拉贡的斐迪南二世 | アラゴン王フェルナンド2世
ansel_adams | = | = | = | 安塞尔·亚当斯 | アンセル・アダムス
jennifer_aniston | = | = | = | 詹妮弗·安妮斯顿 | ジェニファー・アニストン
thomas_babington_macaulay_1st_baron_macaulay | Thomas Babington Macaulay, 1. Baron Macaulay | Thomas Babington Macaulay, primer barón Macaulay | Thomas Babington Macaulay, 1er baron Macaulay | 托马斯·巴宾顿·麦考莱 | トーマス・バビントン・マコーリー
philip_iv_of_spain | Philipp IV. von Spanien | Felipe IV de España | Philippe IV d'Espagne | 西班牙的腓力四世 | スペイン王フェリペ4世
adam_smith | = | = | = | 亚当·斯密 | アダム・スミス
stevie_wonder | = | = | = | 史提夫·汪达 | スティーヴィー・ワンダー
william_iii_of_england | Wilhelm III. von England | Guillermo III de Inglaterra | Guillaume III d'Angleterre | 英格兰国王威廉三世 | イングランド王ウィリアム3世
wernher_von_braun | = | = | = | 沃纳·冯·布劳恩 | ヴェルナー・フォン・ブラウン
robert_peel | = | = | = | 罗伯特·皮尔 | ロバート・ピール
hilaire_belloc | = | = | = | 希莱尔·贝洛克 | ヒレア・ベロック
vincent_d_indy | = | = | = | 樊尚·丹第 | ヴァンサン・ダンディ
nero | = | Nerón | Néron | 尼禄 | ネロ
ludvig_holberg | = | = | = | 路德维希·霍尔堡 | ルズヴィ・ホルベア
"""

PEOPLE += """
george_best | = | = | = | 乔治·贝斯特 | ジョージ・ベスト
drew_brees | = | = | = | 德鲁·布里斯 | ドリュー・ブリーズ
christy_mathewson
"""
