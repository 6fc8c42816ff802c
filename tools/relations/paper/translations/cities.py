"""Cities (and the one country LRE lists as a headquarters city): English | de | es | fr | zh | ja."""

CITIES = """
Philadelphia | Philadelphia | Filadelfia | Philadelphie | 费城 / 費城 | フィラデルフィア
London | London | Londres | Londres | 伦敦 / 倫敦 | ロンドン
Tehran | Teheran | Teherán | Téhéran | 德黑兰 / 德黑蘭 | テヘラン
Moscow | Moskau | Moscú | Moscou | 莫斯科 | モスクワ
Brunswick | Braunschweig | Brunswick / Braunschweig | Brunswick / Braunschweig | 不伦瑞克 / 不倫瑞克 / 布伦瑞克 | ブラウンシュヴァイク / ブラウンシュバイク
Liverpool | Liverpool | Liverpool | Liverpool | 利物浦 | リバプール / リヴァプール
Stockholm | Stockholm | Estocolmo | Stockholm | 斯德哥尔摩 / 斯德哥爾摩 | ストックホルム
Madison | Madison | Madison | Madison | 麦迪逊 / 麥迪遜 | マディソン
Montreal | Montreal | Montreal / Montréal | Montréal / Montreal | 蒙特利尔 / 蒙特利爾 / 蒙特婁 | モントリオール
Albany | Albany | Albany | Albany | 奥尔巴尼 / 奧爾巴尼 | オールバニ / オルバニー / アルバニー
Copenhagen | Kopenhagen | Copenhague | Copenhague | 哥本哈根 | コペンハーゲン
Pittsburgh | Pittsburgh | Pittsburgh | Pittsburgh | 匹兹堡 / 匹茲堡 | ピッツバーグ
Chicago | Chicago | Chicago | Chicago | 芝加哥 | シカゴ
Columbus | Columbus | Columbus | Columbus | 哥伦布 / 哥倫布 | コロンバス
Stamford | Stamford | Stamford | Stamford | 斯坦福德 / 斯坦福 | スタンフォード
Atlanta | Atlanta | Atlanta | Atlanta | 亚特兰大 / 亞特蘭大 | アトランタ
Toronto | Toronto | Toronto | Toronto | 多伦多 / 多倫多 | トロント
Paris | Paris | París | Paris | 巴黎 | パリ
Edmonton | Edmonton | Edmonton | Edmonton | 埃德蒙顿 / 埃德蒙頓 / 愛德蒙頓 | エドモントン
Cologne | Köln | Colonia | Cologne | 科隆 | ケルン
Chennai | Chennai / Madras | Chennai / Madrás | Chennai / Madras | 金奈 / 清奈 | チェンナイ / マドラス
France | Frankreich | Francia | France | 法国 / 法國 | フランス
Boston | Boston | Boston | Boston | 波士顿 / 波士頓 | ボストン
Cairo | Kairo | El Cairo / Cairo | Le Caire | 开罗 / 開羅 | カイロ
Seoul | Seoul | Seúl | Séoul | 首尔 / 首爾 / 漢城 | ソウル
Berlin | Berlin | Berlín | Berlin | 柏林 | ベルリン
Mumbai | Mumbai / Bombay | Bombay / Mumbai | Bombay / Mumbai | 孟买 / 孟買 | ムンバイ / ボンベイ
"""
